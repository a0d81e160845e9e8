import { ConfigError } from '../../core/index.js';
import { TestScheduler } from 'rxjs/testing';
import { IdleTracker } from './idle-tracker.js';

describe('IdleTracker', () => {
  it('calls back once per quiet spell, oldest first, with one timer', () => {
    const ts = new TestScheduler((a, b) => expect(a).toEqual(b));
    const calls: Array<[string, number]> = [];
    const idle = new IdleTracker(10, ts, (k) => calls.push([k, ts.now()]));
    ts.schedule(() => idle.touch('a'), 0);
    ts.schedule(() => idle.touch('b'), 3);
    ts.schedule(() => idle.touch('a'), 8); // a's spell restarts
    ts.schedule(() => idle.touch('c'), 30);
    ts.schedule(() => idle.dispose(), 35); // c never fires
    ts.flush();
    expect(calls).toEqual([
      ['b', 13],
      ['a', 18],
    ]);
  });

  it('rejects a non-positive timeout', () => {
    expect(() => new IdleTracker(0, new TestScheduler(() => undefined), () => undefined)).toThrow(
      ConfigError,
    );
  });
});
