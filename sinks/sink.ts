/**
 * @module sinks/sink
 * The contract every sink keeps (ARCHITECTURE.md, "Positions and acks"): a sink takes
 * {@link Traced} items, writes them, and reports the {@link PositionSet} that became durable
 * plus a failure per item it could not write. Partial failure is data, not an exception.
 * Invariant: a position is in `durable` only if every item of the call carrying it was
 * written — when several items share positions (a window's three predictions) and one
 * fails, their shared positions are not acknowledged.
 */
import { PositionSet, type Traced } from '../core/index.js';

/** Why one item was not written. */
export interface SinkFailure<T> {
  readonly item: Traced<T>;
  /** Stable code: the service's error name (`ValidationException`) or a sink code (`RECORD_TOO_LARGE`). */
  readonly code: string;
  readonly message: string;
  /** Whether writing the same item again later may succeed (throttling, 5xx, retries exhausted). */
  readonly retriable: boolean;
}

/** What a write achieved. */
export interface SinkResult<T> {
  /** Positions whose results are all durable: safe to acknowledge. */
  readonly durable: PositionSet;
  /** Items written. */
  readonly written: number;
  readonly failures: readonly SinkFailure<T>[];
}

/** A sink of traced values. */
export interface Sink<T> {
  /** Writes `items`; never rejects for per-item problems (see {@link SinkResult.failures}). */
  write(items: readonly Traced<T>[]): Promise<SinkResult<T>>;
}

/** Named events sinks emit for telemetry (subscribe with `onEvent`). */
export type SinkEvent =
  | { readonly type: 'sink.written'; readonly sink: string; readonly items: number }
  | {
      readonly type: 'sink.retry';
      readonly sink: string;
      readonly attempt: number;
      readonly delayMs: number;
      readonly reason: string;
    }
  | { readonly type: 'sink.failed'; readonly sink: string; readonly code: string };

/** `a` without the positions of `b`. */
export function subtractPositions(a: PositionSet, b: PositionSet): PositionSet {
  if (b.isEmpty || a.isEmpty) return a;
  const out = new Map<string, number[]>();
  for (const shard of a.shards()) {
    const cut = b.ranges(shard);
    const flat: number[] = [];
    for (const { from, to } of a.ranges(shard)) {
      let start = from;
      for (const c of cut) {
        if (c.to < start || c.from > to) continue;
        if (c.from > start) flat.push(start, c.from - 1);
        start = c.to + 1;
        if (start > to) break;
      }
      if (start <= to) flat.push(start, to);
    }
    if (flat.length > 0) out.set(shard, flat);
  }
  return PositionSet.fromValidRanges(out);
}

/** Builds a {@link SinkResult} from what was written and what failed. */
export function sinkResult<T>(
  written: readonly Traced<T>[],
  failures: readonly SinkFailure<T>[],
): SinkResult<T> {
  const ok = PositionSet.unionAll(written.map((i) => i.positions));
  const bad = PositionSet.unionAll(failures.map((f) => f.item.positions));
  return { durable: subtractPositions(ok, bad), written: written.length, failures };
}
