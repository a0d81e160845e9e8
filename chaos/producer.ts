/**
 * @module chaos/producer
 * Puts the workload minute by minute and remembers where Kinesis put each record (shard,
 * sequence number, time of the answer) — the suite's ground truth. It goes through the
 * fault proxy like the workers, so it is throttled too: failed entries are put again (with
 * the core retry helper's back-off) before the next minute starts, so each key's records
 * stay in event-time order and no record is put twice.
 */
import { PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { backoffDelay, realSleep } from '../core/index.js';
import type { SentRecord } from './account.js';
import type { PlannedRecord } from './workload.js';

/** Puts `records` (one minute's), retrying failed entries until every one is in. */
export async function putMinute(
  kinesis: KinesisClient,
  streamName: string,
  records: readonly PlannedRecord[],
  deadline: number,
): Promise<SentRecord[]> {
  const sent: SentRecord[] = [];
  let pending = [...records];
  for (let attempt = 0; pending.length > 0; attempt += 1) {
    if (Date.now() > deadline) throw new Error(`could not put ${pending.length} records in time`);
    const failed: PlannedRecord[] = [];
    for (let i = 0; i < pending.length; i += 500) {
      const chunk = pending.slice(i, i + 500);
      try {
        const out = await kinesis.send(
          new PutRecordsCommand({
            StreamName: streamName,
            Records: chunk.map((r) => ({ PartitionKey: r.key, Data: Buffer.from(r.data) })),
          }),
        );
        const at = Date.now();
        (out.Records ?? []).forEach((e, j) => {
          const r = chunk[j] as PlannedRecord;
          if (e.ErrorCode || !e.ShardId || !e.SequenceNumber) failed.push(r);
          else
            sent.push({
              key: r.key,
              minute: r.minute,
              shardId: e.ShardId,
              sequenceNumber: e.SequenceNumber,
              putAt: at,
              ...(r.malformed ? { malformed: r.malformed } : {}),
            });
        });
      } catch {
        failed.push(...chunk); // the whole call failed (after the SDK's own retries)
      }
    }
    pending = failed;
    if (pending.length > 0)
      await realSleep(backoffDelay(attempt, Math.random(), { maxDelayMs: 1_000 }));
  }
  return sent;
}
