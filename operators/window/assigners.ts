/**
 * @module operators/window/assigners
 * Window assigners (Flink vocabulary): an assigner decides which windows an element belongs
 * to. Time windows are half-open `[start, end)` in event-time milliseconds, aligned to
 * `offset` (epoch-aligned by default), so every worker computes the same bounds.
 */
import { ConfigError } from '../../core/index.js';

/** Fixed, non-overlapping windows of `size` ms: each element belongs to exactly one. */
export interface TumblingAssigner {
  readonly type: 'tumbling';
  readonly size: number;
  readonly offset: number;
}
/** Windows of `size` ms starting every `slide` ms: an element belongs to `size / slide` of them. */
export interface SlidingAssigner {
  readonly type: 'sliding';
  readonly size: number;
  readonly slide: number;
  readonly offset: number;
}
/** Per-key activity sessions: elements closer than `gap` ms merge into one window `[first, last + gap)`. */
export interface SessionAssigner {
  readonly type: 'session';
  readonly gap: number;
}
/** Windows of `size` elements per key, in arrival order; event time only labels them. */
export interface CountAssigner {
  readonly type: 'count';
  readonly size: number;
}
/** Any window assigner. */
export type WindowAssigner = TumblingAssigner | SlidingAssigner | SessionAssigner | CountAssigner;

function positiveInteger(field: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new ConfigError(field, `expected a positive integer, got ${value}`);
  }
  return value;
}

/**
 * Tumbling event-time windows.
 * @example `eventTimeWindow({ assigner: tumbling({ size: 60_000 }), key: readingKey, time: readingTime, aggregate: count() })`
 */
export function tumbling(options: { size: number; offset?: number }): TumblingAssigner {
  const { size, offset = 0 } = options;
  positiveInteger('tumbling.size', size);
  if (!Number.isSafeInteger(offset))
    throw new ConfigError('tumbling.offset', 'expected an integer');
  return { type: 'tumbling', size, offset };
}

/**
 * Sliding (hopping) event-time windows; `size` must be a multiple of `slide`.
 * @example `sliding({ size: 15 * 60_000, slide: 5 * 60_000 })`
 */
export function sliding(options: {
  size: number;
  slide: number;
  offset?: number;
}): SlidingAssigner {
  const { size, slide, offset = 0 } = options;
  positiveInteger('sliding.size', size);
  positiveInteger('sliding.slide', slide);
  if (size % slide !== 0)
    throw new ConfigError('sliding.size', `must be a multiple of slide ${slide}`);
  if (!Number.isSafeInteger(offset)) throw new ConfigError('sliding.offset', 'expected an integer');
  return { type: 'sliding', size, slide, offset };
}

/**
 * Session windows closed by `gap` ms of inactivity per key (touching sessions merge).
 * @example `session({ gap: 5 * 60_000 })`
 */
export function session(options: { gap: number }): SessionAssigner {
  return { type: 'session', gap: positiveInteger('session.gap', options.gap) };
}

/**
 * Count windows of `size` elements per key.
 * @example `countWindow({ size: 10 })`
 */
export function countWindow(options: { size: number }): CountAssigner {
  return { type: 'count', size: positiveInteger('countWindow.size', options.size) };
}

const mod = (a: number, n: number): number => ((a % n) + n) % n;

/**
 * The starts of the time windows (tumbling or sliding) containing event time `t`, latest first.
 * @example `windowStarts(tumbling({ size: 10 }), 25) // [20]`
 */
export function windowStarts(assigner: TumblingAssigner | SlidingAssigner, t: number): number[] {
  if (assigner.type === 'tumbling') return [t - mod(t - assigner.offset, assigner.size)];
  const starts: number[] = [];
  for (
    let s = t - mod(t - assigner.offset, assigner.slide);
    s > t - assigner.size;
    s -= assigner.slide
  ) {
    starts.push(s);
  }
  return starts;
}
