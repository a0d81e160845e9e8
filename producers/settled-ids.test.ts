import fc from 'fast-check';
import { SettledIds } from './settled-ids.js';

describe('SettledIds', () => {
  it('knows the oldest unsettled id whatever order ids settle in (against a Set)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.nat(5_000)), { maxLength: 3_000 }), (ops) => {
        const ids = new SettledIds();
        const open = new Set<number>();
        for (const [admit, pick] of ops) {
          if (admit || open.size === 0) {
            const id = ids.admit();
            expect(id).toBe(ids.admitted - 1);
            open.add(id);
          } else {
            const id = [...open][pick % open.size]!;
            expect(ids.settle(id)).toBe(true);
            expect(ids.settle(id)).toBe(false); // at most once
            open.delete(id);
          }
          const oldest = open.size === 0 ? Number.POSITIVE_INFINITY : Math.min(...open);
          expect(ids.oldest).toBe(oldest);
        }
      }),
      { numRuns: 30 },
    );
  });

  it('grows past its first ring while the oldest id stays open, and refuses ids never admitted', () => {
    const ids = new SettledIds();
    for (let i = 0; i < 5_000; i += 1) ids.admit();
    for (let i = 4_999; i >= 1; i -= 1) expect(ids.settle(i)).toBe(true);
    expect(ids.oldest).toBe(0);
    expect(ids.settle(5_000)).toBe(false);
    expect(ids.settle(0)).toBe(true);
    expect(ids.oldest).toBe(Number.POSITIVE_INFINITY);
    expect(ids.settle(-1)).toBe(false);
  });
});
