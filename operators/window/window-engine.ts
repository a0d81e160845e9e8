/**
 * @module operators/window/window-engine
 * The pure state machine behind `window`: open windows per key, the watermark, firing and
 * lateness. No RxJS and no clock — the operator feeds it elements and idle notifications.
 *
 * Invariants: the watermark never decreases; a window fires at most once (firing purges);
 * every element added either lands in at least one open window (its position joins that
 * window's positions) or is returned as a `late` dead letter — nothing is dropped silently.
 */
import type { PositionSet } from '../../core/index.js';
import { PositionSetBuilder, deadLetter } from '../../core/index.js';
import { EndHeap, WindowList, type KeyState, type OpenWindow } from './window-state.js';
import type { Flow } from '../flow/flow.js';
import type { Aggregator } from './aggregations.js';
import { windowStarts, type WindowAssigner } from './assigners.js';
import type { WindowTrigger } from './triggers.js';

/** Why a window fired. */
export type FiredBy = 'watermark' | 'trigger' | 'idle' | 'complete';

/**
 * One window's result. Time windows are `[start, end)`; a count window spans its members'
 * event times `[min, max + 1)`.
 * @example `{ key: 'dev-1', start: 0, end: 60000, count: 12, value: { iaq: 48.1 }, firedBy: 'watermark' }`
 */
export interface WindowResult<R> {
  readonly key: string;
  readonly start: number;
  readonly end: number;
  /** Elements aggregated. */
  readonly count: number;
  readonly value: R;
  readonly firedBy: FiredBy;
}

/** Settings of a {@link WindowEngine}. */
export interface WindowEngineSettings<T, A, R> {
  readonly assigner: WindowAssigner;
  readonly aggregate: Aggregator<T, A, R>;
  readonly allowedLateness: number;
  readonly trigger?: WindowTrigger<T>;
}

/**
 * Keyed event-time windowing state. Outputs are appended to the `out` array passed in.
 * @example
 * ```ts
 * const engine = new WindowEngine({ assigner: tumbling({ size: 10 }), aggregate: count(), allowedLateness: 0 });
 * const out: Flow<WindowResult<number>>[] = [];
 * engine.add(traced(x, positions), 'dev-1', 12, out);
 * ```
 */
export class WindowEngine<T, A, R> {
  private readonly keys = new Map<string, KeyState<A>>();
  private readonly heap = new EndHeap<A>();
  private maxEventTime = -Infinity;
  private seq = 0;
  private openCount = 0;

  constructor(private readonly settings: WindowEngineSettings<T, A, R>) {}

  /** Max event time seen minus allowed lateness (−∞ before the first element). */
  get watermark(): number {
    return this.maxEventTime - this.settings.allowedLateness;
  }

  /** How many windows are open (for memory telemetry). */
  get openWindows(): number {
    return this.openCount;
  }

  /** Adds one element; fires what its arrival completes. */
  add(
    value: T,
    positions: PositionSet,
    key: string,
    time: number,
    out: Flow<WindowResult<R>>[],
  ): void {
    if (!Number.isFinite(time)) {
      out.push(
        deadLetter('schema', `event time is not a finite number: ${time}`, value, positions),
      );
      return;
    }
    const { assigner } = this.settings;
    let ks = this.keys.get(key);
    if (ks === undefined) {
      ks = { windows: new WindowList(), closedUntil: -Infinity };
      this.keys.set(key, ks);
    }
    const closed = Math.max(this.watermark, ks.closedUntil);
    if (assigner.type === 'tumbling') {
      // Fast path: exactly one candidate window, no intermediate arrays.
      const start =
        time - ((((time - assigner.offset) % assigner.size) + assigner.size) % assigner.size);
      const end = start + assigner.size;
      if (end <= closed) this.late(value, positions, key, time, closed, out);
      else
        this.addTo(
          ks,
          ks.windows.get(start) ?? this.open(ks, key, start, end, closed, true),
          value,
          positions,
          time,
          out,
        );
      this.advance(time, out);
      return;
    }
    const touched: OpenWindow<A>[] = [];
    if (assigner.type === 'count') {
      const w = ks.windows.get(0) ?? this.open(ks, key, 0, 0, 0, false);
      touched.push(w);
    } else if (assigner.type === 'session') {
      let start = time;
      let end = time + assigner.gap;
      const overlapping: OpenWindow<A>[] = [];
      for (const w of ks.windows.values()) {
        if (w.start <= end && w.end >= start) overlapping.push(w);
      }
      for (const w of overlapping) {
        start = Math.min(start, w.start);
        end = Math.max(end, w.end);
      }
      if (end > closed) {
        const target = overlapping[0] ?? this.open(ks, key, start, end, closed, true);
        for (const w of overlapping.slice(1)) {
          target.acc = this.settings.aggregate.merge!(target.acc, w.acc);
          target.count += w.count;
          target.positions.addSet(w.positions.build());
          target.minTime = Math.min(target.minTime, w.minTime);
          target.maxTime = Math.max(target.maxTime, w.maxTime);
          w.fired = true; // absorbed: its heap entry becomes stale
          ks.windows.delete(w.id);
          this.openCount--;
        }
        if (target.end !== end) {
          target.start = start;
          target.end = end;
          this.heap.push(target);
        }
        target.start = start;
        touched.push(target);
      }
    } else {
      for (const start of windowStarts(assigner, time)) {
        const end = start + assigner.size;
        if (end <= closed) continue;
        touched.push(ks.windows.get(start) ?? this.open(ks, key, start, end, closed, true));
      }
    }
    if (touched.length === 0) this.late(value, positions, key, time, closed, out);
    for (const w of touched) this.addTo(ks, w, value, positions, time, out);
    this.advance(time, out);
  }

  private late(
    value: T,
    positions: PositionSet,
    key: string,
    time: number,
    closed: number,
    out: Flow<WindowResult<R>>[],
  ): void {
    out.push(
      deadLetter(
        'late',
        `event time ${time} is behind the watermark ${closed} of key ${key}`,
        value,
        positions,
      ),
    );
  }

  private addTo(
    ks: KeyState<A>,
    w: OpenWindow<A>,
    value: T,
    positions: PositionSet,
    time: number,
    out: Flow<WindowResult<R>>[],
  ): void {
    const assigner = this.settings.assigner;
    w.acc = this.settings.aggregate.add(w.acc, value, time);
    w.count++;
    w.positions.addSet(positions);
    if (time < w.minTime) w.minTime = time;
    if (time > w.maxTime) w.maxTime = time;
    if (assigner.type === 'count' && w.count >= assigner.size) this.fire(ks, w, 'trigger', out);
    else if (this.settings.trigger?.onElement(w, value) === 'fire')
      this.fire(ks, w, 'trigger', out);
  }

  private advance(time: number, out: Flow<WindowResult<R>>[]): void {
    if (time > this.maxEventTime) {
      this.maxEventTime = time;
      this.fireUpTo(this.watermark, 'watermark', out);
    }
  }

  /** Fires every open window of `key` (its device went quiet); later elements for them are late. */
  flushKey(key: string, out: Flow<WindowResult<R>>[]): void {
    const ks = this.keys.get(key);
    if (ks === undefined) return;
    const open = [...ks.windows.values()].sort((a, b) => a.end - b.end || a.seq - b.seq);
    for (const w of open) {
      if (this.settings.assigner.type !== 'count') ks.closedUntil = Math.max(ks.closedUntil, w.end);
      this.fire(ks, w, 'idle', out);
    }
  }

  /** Fires every open window (end of stream), time windows by end, then count windows. */
  flushAll(out: Flow<WindowResult<R>>[]): void {
    this.fireUpTo(Infinity, 'complete', out);
    for (const ks of this.keys.values()) {
      for (const w of [...ks.windows.values()]) this.fire(ks, w, 'complete', out);
    }
  }

  private open(
    ks: KeyState<A>,
    key: string,
    start: number,
    end: number,
    _closed: number,
    timed: boolean,
  ): OpenWindow<A> {
    const seq = this.seq++;
    const assigner = this.settings.assigner;
    const w: OpenWindow<A> = {
      key,
      start,
      end,
      seq,
      id: assigner.type === 'session' ? seq : assigner.type === 'count' ? 0 : start,
      acc: this.settings.aggregate.create(),
      count: 0,
      positions: new PositionSetBuilder(),
      fired: false,
      minTime: Infinity,
      maxTime: -Infinity,
    };
    ks.windows.add(w);
    if (timed) this.heap.push(w);
    this.openCount++;
    return w;
  }

  private fireUpTo(watermark: number, firedBy: FiredBy, out: Flow<WindowResult<R>>[]): void {
    while (this.heap.size > 0 && this.heap.peekEnd() <= watermark) {
      const { end, w } = this.heap.pop()!;
      if (w.fired || w.end !== end) continue; // stale entry
      const ks = this.keys.get(w.key)!;
      this.fire(ks, w, firedBy, out);
    }
  }

  private fire(
    ks: KeyState<A>,
    w: OpenWindow<A>,
    firedBy: FiredBy,
    out: Flow<WindowResult<R>>[],
  ): void {
    const assigner = this.settings.assigner;
    w.fired = true;
    ks.windows.delete(w.id);
    this.openCount--;
    if (ks.windows.size === 0 && ks.closedUntil <= this.watermark) this.keys.delete(w.key);
    const counted = assigner.type === 'count';
    out.push({
      value: {
        key: w.key,
        start: counted ? w.minTime : w.start,
        end: counted ? w.maxTime + 1 : w.end,
        count: w.count,
        value: this.settings.aggregate.result(w.acc),
        firedBy,
      },
      positions: w.positions.build(),
    });
  }
}
