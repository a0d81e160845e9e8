/**
 * @module producers/replay/replay
 * Replays the S3 archive into a stream: lists a time range's objects, reads them in
 * delivery order, and re-puts every record with its original partition key at its original
 * pace scaled by a speed factor. Corrupt objects and lines are reported through events and
 * counted in the summary — never silently skipped. The `put` function is injected (the
 * producer in production), as are the clock and sleep, so the loop is testable exactly.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { listArchive, readArchiveObject, type ListingProgress } from '../../adapters/index.js';
import { ConfigError, partitionKeyOf } from '../../core/index.js';
import { Pacer, type ReplaySpeed } from '../pacing.js';
import { eventTimeOf } from './event-time.js';
import { splitRecords } from './record-splitter.js';

/** A record to re-put. */
export interface ReplayRecord {
  readonly partitionKey: string;
  readonly data: Uint8Array;
}

/**
 * Something replay could not use, with where and why. Failed puts are not reported one by
 * one (a missing stream would make thousands of lines): they are counted by reason in the
 * summary.
 */
export interface ReplayProblem {
  readonly kind: 'corrupt-object' | 'corrupt-record' | 'no-partition-key' | 'unrecognized-key';
  readonly key: string;
  /** Character offset in the object's text, for records. */
  readonly offset?: number;
  readonly reason: string;
}

/** Progress of a replay, emitted after each object and periodically. */
export interface ReplayProgress {
  readonly objectsDone: number;
  readonly objectsTotal: number;
  readonly records: number;
  readonly bytesDone: number;
  readonly bytesTotal: number;
  /** Estimated seconds left (by bytes), if known. */
  readonly etaSeconds?: number;
}

/** The outcome of a replay. */
export interface ReplaySummary extends ReplayProgress {
  readonly corruptObjects: number;
  readonly corruptRecords: number;
  readonly unrecognizedKeys: number;
  readonly failedPuts: number;
  /** Failed puts by reason (one line each in a report), e.g. `{ "stream not found": 13365 }`. */
  readonly failedPutReasons: Readonly<Record<string, number>>;
  /** Records skipped because their reading time is outside `[readingsFrom, readingsTo)`. */
  readonly outsideReadingRange: number;
  /** True when the signal stopped the replay (while listing or reading). */
  readonly stopped: boolean;
  readonly seconds: number;
}

/** Options of {@link replayArchive}. */
export interface ReplayOptions {
  readonly s3: S3Client;
  readonly bucket: string;
  /** Archive prefix written by the raw delivery stream (default `raw/`). */
  readonly prefix?: string;
  /** Archive arrival time (the hour folders and object times Firehose wrote): start, inclusive. */
  readonly from: Date;
  /** Archive arrival time: end, exclusive. */
  readonly to: Date;
  /** Only records whose reading time (`ts`) is at or after this. */
  readonly readingsFrom?: Date;
  /** Only records whose reading time (`ts`) is before this. */
  readonly readingsTo?: Date;
  readonly speed: ReplaySpeed;
  /** Re-puts one record; resolves when it is accepted (e.g. `KinesisProducer.put`). */
  readonly put: (record: ReplayRecord) => Promise<unknown>;
  /** Puts awaited at most concurrently (default 1,000). */
  readonly maxInFlight?: number;
  readonly clock?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: ReplayProgress) => void;
  readonly onProblem?: (problem: ReplayProblem) => void;
  /** Called after each page of the archive listing (a long range can take a while). */
  readonly onListing?: (progress: ListingProgress) => void;
}

/** Replays `[from, to)` of the archive through `put`; resolves with the summary. */
export async function replayArchive(options: ReplayOptions): Promise<ReplaySummary> {
  const {
    s3,
    bucket,
    prefix = 'raw/',
    from,
    to,
    speed,
    put,
    maxInFlight = 1_000,
    clock = Date.now,
    signal,
    // the pacing wait ends early when the signal aborts: a stop never waits for the pace
    sleep = (ms: number) =>
      new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, ms);
        signal?.addEventListener('abort', done, { once: true });
      }),
    onProgress,
    onProblem,
    onListing,
    readingsFrom,
    readingsTo,
  } = options;
  if (!(from.getTime() < to.getTime())) throw new ConfigError('--from', 'must be before --to');
  const started = clock();
  const listing = await listArchive(s3, {
    bucket,
    prefix,
    from,
    to,
    ...(signal ? { signal } : {}),
    ...(onListing ? { onProgress: onListing } : {}),
  });
  for (const key of listing.unrecognized)
    onProblem?.({ kind: 'unrecognized-key', key, reason: 'not a Firehose object name' });
  const bytesTotal = listing.objects.reduce((n, o) => n + o.size, 0);
  const pacer = new Pacer({ speed, maxGapMs: 5_000 }); // a hole in the archive waits 5 s at most
  const inFlight = new Set<Promise<void>>();
  const state = {
    objectsDone: 0,
    records: 0,
    bytesDone: 0,
    corruptObjects: 0,
    corruptRecords: 0,
    failedPuts: 0,
    outsideReadingRange: 0,
  };
  const failedPutReasons: Record<string, number> = {};
  const progress = (): ReplayProgress => {
    const elapsed = (clock() - started) / 1000;
    const rate = state.bytesDone / Math.max(elapsed, 1e-3);
    return {
      objectsDone: state.objectsDone,
      objectsTotal: listing.objects.length,
      records: state.records,
      bytesDone: state.bytesDone,
      bytesTotal,
      ...(state.bytesDone > 0 ? { etaSeconds: (bytesTotal - state.bytesDone) / rate } : {}),
    };
  };

  const send = async (record: ReplayRecord) => {
    while (inFlight.size >= maxInFlight) await Promise.race(inFlight);
    const p: Promise<void> = put(record).then(
      () => undefined,
      (error: unknown) => {
        state.failedPuts += 1;
        const reason = messageOf(error);
        failedPutReasons[reason] = (failedPutReasons[reason] ?? 0) + 1;
      },
    );
    const tracked = p.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };

  for (const object of listing.objects) {
    if (signal?.aborted) break;
    let text: string;
    try {
      text = await readArchiveObject(s3, bucket, object.key);
    } catch (error) {
      state.corruptObjects += 1;
      onProblem?.({ kind: 'corrupt-object', key: object.key, reason: messageOf(error) });
      state.objectsDone += 1;
      state.bytesDone += object.size;
      continue;
    }
    for (const piece of splitRecords(text)) {
      if (signal?.aborted) break;
      if (!piece.ok) {
        state.corruptRecords += 1;
        onProblem?.({
          kind: 'corrupt-record',
          key: object.key,
          offset: piece.offset,
          reason: piece.error,
        });
        continue;
      }
      const partitionKey = partitionKeyOf(piece.value);
      if (partitionKey === undefined) {
        state.corruptRecords += 1;
        onProblem?.({
          kind: 'no-partition-key',
          key: object.key,
          offset: piece.offset,
          reason: 'no deviceId/householdId',
        });
        continue;
      }
      const readAt = eventTimeOf(piece.value);
      if (
        (readingsFrom && (readAt === undefined || readAt < readingsFrom.getTime())) ||
        (readingsTo && (readAt === undefined || readAt >= readingsTo.getTime()))
      ) {
        state.outsideReadingRange += 1;
        continue;
      }
      const wait = pacer.due(readAt, clock()) - clock();
      if (wait > 0) await sleep(wait);
      if (signal?.aborted) break;
      await send({ partitionKey, data: Buffer.from(piece.text, 'utf8') });
      state.records += 1;
    }
    state.objectsDone += 1;
    state.bytesDone += object.size;
    onProgress?.(progress());
  }
  await Promise.all(inFlight);
  return {
    ...progress(),
    corruptObjects: state.corruptObjects,
    corruptRecords: state.corruptRecords,
    unrecognizedKeys: listing.unrecognized.length,
    failedPuts: state.failedPuts,
    failedPutReasons,
    outsideReadingRange: state.outsideReadingRange,
    stopped: listing.aborted || signal?.aborted === true,
    seconds: (clock() - started) / 1000,
  };
}

/** An error's message without its class name (reasons are read by people). */
function messageOf(error: unknown): string {
  return error instanceof Error ? error.message || error.name : String(error);
}
