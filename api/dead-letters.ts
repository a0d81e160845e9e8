/**
 * @module api/dead-letters
 * Dead letters by reason, read where they are durable: the dead-letter objects Firehose
 * delivered to the lake (`dead-letters/YYYY/MM/DD/HH/`, one JSON line per dead letter with
 * its `reason`), over a trailing window of delivery time. Each object is read once and its
 * counts kept until it leaves the window, so a refresh costs a few listings. Reuses the
 * archive reader of `producers/replay`.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { listArchive, readArchiveObject } from '../adapters/index.js';

/** Options of {@link createDeadLetterCounter}. */
export interface DeadLetterCounterOptions {
  readonly s3: S3Client;
  readonly bucket: string;
  /** Key prefix of the dead-letter delivery stream; default `dead-letters/`. */
  readonly prefix?: string;
  /** Trailing window of delivery time counted; default 6 hours. */
  readonly windowMs?: number;
  readonly clock?: () => number;
}

/** Counts dead letters by reason over the trailing window. */
export function createDeadLetterCounter(options: DeadLetterCounterOptions): {
  counts(): Promise<Record<string, number>>;
} {
  const {
    s3,
    bucket,
    prefix = 'dead-letters/',
    windowMs = 6 * 3_600_000,
    clock = Date.now,
  } = options;
  const perObject = new Map<string, Record<string, number>>();
  return {
    async counts() {
      const now = clock();
      const { objects } = await listArchive(s3, {
        bucket,
        prefix,
        from: new Date(now - windowMs),
        to: new Date(now + 3_600_000),
      });
      const live = new Set(objects.map((o) => o.key));
      for (const key of perObject.keys()) if (!live.has(key)) perObject.delete(key);
      for (const { key } of objects) {
        if (perObject.has(key)) continue;
        const counts: Record<string, number> = {};
        for (const line of (await readArchiveObject(s3, bucket, key)).split('\n')) {
          if (!line.trim()) continue;
          let reason = 'unreadable';
          try {
            const parsed = JSON.parse(line) as { reason?: unknown };
            if (typeof parsed.reason === 'string') reason = parsed.reason;
          } catch {
            // a torn line still counts, under its own reason
          }
          counts[reason] = (counts[reason] ?? 0) + 1;
        }
        perObject.set(key, counts);
      }
      const total: Record<string, number> = {};
      for (const counts of perObject.values())
        for (const [reason, n] of Object.entries(counts)) total[reason] = (total[reason] ?? 0) + n;
      return total;
    },
  };
}
