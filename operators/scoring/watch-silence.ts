/**
 * @module operators/scoring/watch-silence
 * `watchSilence`: notices keys that stopped sending while they are silent — a dropout is
 * known when the expected windows do not come, not only when the key comes back. The clock
 * is event time: the watermark of the windows passing by (the newest window time seen on the
 * stream — other keys' windows move it), and, when the whole stream is quiet, the injected
 * scheduler's processing time on top of it (omit the scheduler for the watermark alone; no
 * wall clock is read here). The timer is the pipeline's own {@link IdleTracker} (one pending
 * timer however many keys) running on that clock: a key without a window for `after` ms of
 * event time is handed to `onSilent(key, now)`, and again every `after` while it stays silent
 * (up to `forgetAfter`), so its dropout event grows while it lasts. What `onSilent` returns
 * is emitted after the element that moved the clock. Invariant: the source's elements pass
 * unchanged and in order; no callback after completion, error or unsubscription.
 */
import {
  Observable,
  Subscription,
  type OperatorFunction,
  type SchedulerAction,
  type SchedulerLike,
} from 'rxjs';
import { ConfigError } from '../../core/index.js';
import { IdleTracker } from '../scheduling/index.js';

/** Options of {@link watchSilence}. */
export interface WatchSilenceOptions<T, R> {
  /** Key and event time (window start, epoch ms) of a passing element; undefined: not a window. */
  readonly window: (value: T) => { readonly key: string; readonly time: number } | undefined;
  /** Event time without a window after which a key's silence is judged (and again as often), ms. */
  readonly after: number;
  /** What to emit for a key silent at event time `now` (e.g. its detector's dropout event). */
  readonly onSilent: (key: string, now: number) => readonly R[];
  /** Silence after which a key is no longer watched (until it sends again); default a day. */
  readonly forgetAfter?: number;
  /** Processing time that moves the clock on while the whole stream is quiet; default none. */
  readonly scheduler?: SchedulerLike;
}

interface Due {
  at: number;
  work: () => void;
  timer?: Subscription;
}

/**
 * A scheduler on event time: `now()` is the watermark (plus the processing time elapsed since
 * it last moved, with a base scheduler), never going back; actions run when it passes them.
 */
class EventClock implements SchedulerLike {
  #mark = Number.NEGATIVE_INFINITY;
  #markedAt = 0;
  #floor = Number.NEGATIVE_INFINITY;
  readonly #due = new Set<Due>();

  constructor(
    private readonly base?: SchedulerLike,
    /** Called after each run of due actions (e.g. to re-arm what they asked for). */
    private readonly ran: () => void = () => {},
  ) {}

  /** Drops every pending action and its processing-time timer. */
  dispose(): void {
    for (const due of this.#due) due.timer?.unsubscribe();
    this.#due.clear();
  }

  now(): number {
    const t = this.base ? this.#mark + (this.base.now() - this.#markedAt) : this.#mark;
    this.#floor = Math.max(this.#floor, t);
    return this.#floor;
  }

  schedule<S>(
    work: (this: SchedulerAction<S>, state?: S) => void,
    delay = 0,
    state?: S,
  ): Subscription {
    const due: Due = { at: this.now() + delay, work: () => work.call(undefined as never, state) };
    this.#due.add(due);
    this.#arm(due);
    return new Subscription(() => {
      this.#due.delete(due);
      due.timer?.unsubscribe();
    });
  }

  /** Moves the watermark to `time` (if later) and runs what became due. */
  advance(time: number): void {
    if (time <= this.#mark) return;
    this.#mark = time;
    this.#markedAt = this.base?.now() ?? 0;
    this.#run();
  }

  /** With a base scheduler: runs `due` in processing time too (re-armed if the watermark lagged). */
  #arm(due: Due): void {
    const base = this.base;
    if (!base) return;
    due.timer = base.schedule(
      () => {
        due.timer = undefined;
        const wait = due.at - this.now();
        if (wait > 0) this.#arm(due);
        else this.#run();
      },
      Math.max(0, due.at - this.now()),
    );
  }

  #run(): void {
    const now = this.now();
    for (const due of [...this.#due].sort((a, b) => a.at - b.at)) {
      if (due.at > now) break;
      this.#due.delete(due);
      due.timer?.unsubscribe();
      due.work();
    }
    this.ran();
  }
}

/**
 * Passes elements through and emits `onSilent`'s reports for keys gone quiet (see module doc).
 *
 * @example
 * scored$.pipe(watchSilence({ window: (s) => ({ key: s.key, time: s.time }), after: 300_000,
 *   onSilent: (key, now) => detectors.get(key)?.silence(now) ?? [] }))
 */
export function watchSilence<T, R>(options: WatchSilenceOptions<T, R>): OperatorFunction<T, T | R> {
  const { window, after, onSilent, forgetAfter = 86_400_000, scheduler } = options;
  if (!(after > 0) || !Number.isFinite(after))
    throw new ConfigError('after', `must be a positive number, got ${after}`);
  return (source) =>
    new Observable<T | R>((subscriber) => {
      const lastSeen = new Map<string, number>();
      // keys still silent are watched again, once the tracker's round is over (touching a
      // key inside its callback would arm a second timer)
      const again: string[] = [];
      const clock = new EventClock(scheduler, () => {
        for (const key of again.splice(0)) tracker.touch(key);
      });
      const tracker = new IdleTracker(after, clock, (key) => {
        const now = clock.now();
        for (const r of onSilent(key, now)) subscriber.next(r);
        if (now - (lastSeen.get(key) ?? now) < forgetAfter) again.push(key);
        else lastSeen.delete(key);
      });
      const sub = source.subscribe({
        next: (value) => {
          subscriber.next(value);
          const w = window(value);
          if (!w) return;
          clock.advance(w.time);
          lastSeen.set(w.key, w.time);
          tracker.touch(w.key);
        },
        error: (e: unknown) => subscriber.error(e),
        complete: () => subscriber.complete(),
      });
      return () => {
        tracker.dispose();
        clock.dispose();
        sub.unsubscribe();
      };
    });
}
