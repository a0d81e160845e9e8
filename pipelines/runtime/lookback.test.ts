import { TestScheduler } from 'rxjs/testing';
import { PositionSet, traced } from '../../core/index.js';
import { type Flow, type ResampledPoint } from '../../operators/index.js';
import { AckLedger } from './ack-ledger.js';
import { lookback, type Looked } from './lookback.js';

const point = (minute: number, ordinal: number): Flow<ResampledPoint> =>
  traced(
    { key: 'dev-1', time: minute * 60_000, values: { iaq: minute }, imputed: false, segment: 0 },
    PositionSet.single('shardId-0', ordinal),
  );

describe('lookback release of quiet keys', () => {
  it('holds a key’s claims while it is active and releases them after releaseAfterMs of quiet, keeping its values', () => {
    const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
    scheduler.run(({ cold, flush }) => {
      const acked: number[] = [];
      const ledger = new AckLedger((positions) => {
        for (const p of positions) acked.push(p.ordinal);
      });
      const histories: number[] = [];
      const source = cold<Flow<ResampledPoint>>('a b c 300ms d', {
        a: point(0, 0),
        b: point(1, 1),
        c: point(2, 2),
        d: point(3, 3),
      });
      source
        .pipe(lookback({ ledger, retain: 60, releaseAfterMs: 100, scheduler }))
        .subscribe((out) => {
          const looked = out as { value: Looked };
          histories.push(looked.value.history.length);
          ledger.release(looked.value.holds); // every item durable at once
        });
      scheduler.schedule(() => expect(acked).toEqual([]), 50); // active: look-back holds all
      scheduler.schedule(() => expect(acked.sort()).toEqual([0, 1, 2]), 110); // quiet: released
      flush();
      expect(histories).toEqual([1, 2, 3, 4]); // the history survived the release
      expect(acked.sort()).toEqual([0, 1, 2, 3]); // d released after its own quiet spell
    });
  });

  it('never releases while points keep coming within releaseAfterMs', () => {
    const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
    scheduler.run(({ cold, flush }) => {
      const acked: number[] = [];
      const ledger = new AckLedger((positions) => {
        for (const p of positions) acked.push(p.ordinal);
      });
      const source = cold<Flow<ResampledPoint>>('a 80ms b 80ms c 80ms d', {
        a: point(0, 0),
        b: point(1, 1),
        c: point(2, 2),
        d: point(3, 3),
      });
      source
        .pipe(lookback({ ledger, retain: 60, releaseAfterMs: 100, scheduler }))
        .subscribe((out) => ledger.release((out as { value: Looked }).value.holds));
      scheduler.schedule(() => expect(acked).toEqual([]), 250);
      flush();
    });
  });
});
