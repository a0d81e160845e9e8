/**
 * @module consumers/testing/shard-fixtures
 * Test-only pieces of a shard consumer's world: Kinesis records by sequence number, a reader
 * that answers scripted pages, and the lease of a shard nobody has read yet. Shared by the
 * shard consumer and shard session specs.
 */
import type { _Record } from '@aws-sdk/client-kinesis';
import { SENTINEL, sentinel, type Lease } from '../lease.js';
import type { ReadResult, ShardReader } from '../shard-reader.js';

/** A Kinesis record with sequence number `seq` and data `r<seq>`. */
export const kinesisRecord = (seq: number): _Record => ({
  SequenceNumber: String(seq),
  PartitionKey: 'k',
  Data: new TextEncoder().encode(`r${seq}`),
  ApproximateArrivalTimestamp: new Date(0),
});

/** A reader returning `pages` in order (1 ms apart), then empty reads; honours its signal. */
export function scriptedReader(pages: ReadResult[]): ShardReader {
  return {
    async read(signal) {
      await new Promise((r) => setTimeout(r, 1));
      if (signal.aborted) throw signal.reason;
      return pages.shift() ?? { records: [], shardEnd: false };
    },
    close() {},
  };
}

/** The lease of shard `s` at TRIM_HORIZON, owned once, no parents or children, with `lease` over it. */
export const shardLease = (lease: Partial<Lease> = {}): Lease => ({
  leaseKey: 's',
  leaseCounter: 1,
  checkpoint: sentinel(SENTINEL.TRIM_HORIZON),
  ownerSwitchesSinceCheckpoint: 0,
  parentShardIds: [],
  childShardIds: [],
  ...lease,
});
