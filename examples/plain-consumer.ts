/**
 * A plain consumer: every record of the configured stream printed as one JSON line, each
 * shard batch acknowledged when its handler resolved. Leases are shared with any other
 * worker using the same lease table; `/healthz` and `/metrics` on SHARDFLOW_HTTP_PORT.
 * SIGTERM or Ctrl-C drains, checkpoints and releases the leases.
 */
import { Shardflow } from 'shardflow';

const flow = new Shardflow();
const worker = await flow.worker(async (batch) => {
  for (const record of batch.records) {
    const data = Buffer.from(record.data).toString('utf8');
    console.log(JSON.stringify({ shardId: batch.shardId, key: record.partitionKey, data }));
  }
});
await worker.stopped;
flow.close();
