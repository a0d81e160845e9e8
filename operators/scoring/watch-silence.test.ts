import { Subject, VirtualTimeScheduler } from 'rxjs';
import { watchSilence } from './watch-silence.js';

const MIN = 60_000;
type W = { key: string; time: number };

function harness(scheduler?: VirtualTimeScheduler) {
  const source = new Subject<W>();
  const out: (W | string)[] = [];
  const calls: [string, number][] = [];
  const sub = source
    .pipe(
      watchSilence<W, string>({
        window: (w) => w,
        after: 5 * MIN,
        forgetAfter: 60 * MIN,
        onSilent: (key, now) => {
          calls.push([key, now]);
          return [`silent ${key} @${now / MIN}`];
        },
        ...(scheduler ? { scheduler } : {}),
      }),
    )
    .subscribe((x) => out.push(x));
  return { source, out, calls, sub };
}

describe('watchSilence', () => {
  it('judges a key silent when the watermark (other keys) passes its last window by `after`', () => {
    const { source, out, calls } = harness();
    for (let m = 0; m <= 4; m += 1) {
      source.next({ key: 'a', time: m * MIN });
      source.next({ key: 'b', time: m * MIN });
    }
    // a goes quiet after minute 4; b keeps the watermark moving
    for (let m = 5; m <= 14; m += 1) source.next({ key: 'b', time: m * MIN });
    // due at 4 + 5 = 9 and again at 14 (re-armed while silent)
    expect(calls).toEqual([
      ['a', 9 * MIN],
      ['a', 14 * MIN],
    ]);
    // the report comes right after the element that moved the clock past it, in order
    const i = out.indexOf('silent a @9');
    expect(out[i - 1]).toEqual({ key: 'b', time: 9 * MIN });
    expect(out.filter((x) => typeof x !== 'string')).toHaveLength(20);
    source.next({ key: 'a', time: 15 * MIN }); // back: watched afresh from minute 15
    for (let m = 15; m <= 19; m += 1) source.next({ key: 'b', time: m * MIN });
    expect(calls).toHaveLength(2);
  });

  it('without a scheduler, event time does not pass while the whole stream is quiet', () => {
    const { source, calls } = harness();
    source.next({ key: 'a', time: 0 });
    expect(calls).toEqual([]);
  });

  it('with a scheduler, processing time moves the clock on while everything is quiet', () => {
    const scheduler = new VirtualTimeScheduler();
    const { source, calls, sub } = harness(scheduler);
    source.next({ key: 'a', time: 100 * MIN });
    scheduler.flush(); // runs the pending timer: 5 minutes of processing time later
    expect(calls[0]).toEqual(['a', 105 * MIN]);
    sub.unsubscribe();
  });

  it('keeps one processing-time timer however many keys go silent, and none after unsubscription', () => {
    const scheduler = new VirtualTimeScheduler();
    const { source, calls, sub } = harness(scheduler);
    const pending = () => scheduler.actions.filter((a) => !a.closed).length;
    for (let m = 0; m <= 3; m += 1)
      for (const key of ['a', 'b', 'c']) source.next({ key, time: m * MIN });
    for (let m = 4; m <= 12; m += 1) source.next({ key: 'c', time: m * MIN });
    // a and b were judged at 8 and are watched again: still one timer
    expect(calls.map(([k, t]) => [k, t / MIN])).toEqual([
      ['a', 8],
      ['b', 8],
    ]);
    expect(pending()).toBe(1);
    sub.unsubscribe();
    expect(pending()).toBe(0);
    scheduler.flush();
    expect(calls).toHaveLength(2);
  });

  it('stops watching a key after forgetAfter and calls nothing after unsubscription', () => {
    const { source, calls, sub } = harness();
    source.next({ key: 'a', time: 0 });
    for (let m = 1; m <= 120; m += 1) source.next({ key: 'b', time: m * MIN });
    // judged at 5, 10, …, 60 (12 times); at 60 it is forgotten (silent 60 ≥ forgetAfter)
    expect(calls.filter(([k]) => k === 'a').map(([, t]) => t / MIN)).toEqual([
      5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60,
    ]);
    sub.unsubscribe();
    source.next({ key: 'b', time: 500 * MIN });
    expect(calls.filter(([k]) => k === 'b')).toEqual([]);
  });
});
