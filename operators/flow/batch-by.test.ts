import { ConfigError } from '../../core/index.js';
import { marbles } from '../testing/fixtures.js';
import { batchBy } from './batch-by.js';

describe('batchBy', () => {
  it('emits a batch when it is full by count, and the partial batch at completion', () => {
    marbles().run(({ cold, expectObservable }) => {
      const src = cold('abcde|');
      expectObservable(src.pipe(batchBy({ maxItems: 2 }))).toBe('-x-y-(z|)', {
        x: ['a', 'b'],
        y: ['c', 'd'],
        z: ['e'],
      });
    });
  });

  it('starts a new batch before an item that would exceed maxBytes; an oversized item leaves alone', () => {
    marbles().run(({ cold, expectObservable }) => {
      const src = cold('abcd|', { a: 'xx', b: 'xxx', c: 'xxxxxxxx', d: 'x' });
      const op = batchBy<string>({ maxBytes: 6, overheadBytes: 1, bytes: (s) => s.length });
      // 1 + 2 + 3 = 6 fits; c (8) exceeds alone; d starts the next batch
      expectObservable(src.pipe(op)).toBe('--xy(z|)', {
        x: ['xx', 'xxx'],
        y: ['xxxxxxxx'],
        z: ['x'],
      });
    });
  });

  it('emits maxWaitMs after the FIRST item of a batch, never an empty batch', () => {
    marbles().run(({ cold, expectObservable }) => {
      const src = cold('a 5ms b 30ms c 20ms |');
      // a at 0 → emitted at 10 with b (at 6); c at 37 → at 47; nothing while idle
      expectObservable(src.pipe(batchBy({ maxItems: 10, maxWaitMs: 10 }))).toBe(
        '10ms x 36ms y 10ms |',
        { x: ['a', 'b'], y: ['c'] },
      );
    });
  });

  it('cancels its timer on unsubscribe', () => {
    marbles().run(({ cold, expectObservable }) => {
      const src = cold('a 50ms |');
      expectObservable(src.pipe(batchBy({ maxWaitMs: 10 })), '^ 5ms !').toBe('');
    });
  });

  it('rejects bad options with a ConfigError', () => {
    expect(() => batchBy({ maxItems: 0 })).toThrow(ConfigError);
    expect(() => batchBy({ maxBytes: 10, overheadBytes: 10 })).toThrow(/maxBytes/);
    expect(() => batchBy({ maxWaitMs: -1 })).toThrow(/maxWaitMs/);
  });
});
