import {
  ListShardsCommand,
  PutRecordsCommand,
  SplitShardCommand,
  type _Record,
} from '@aws-sdk/client-kinesis';
import {
  createActiveStream,
  streamActive,
  testClients,
  testConfig,
  uniqueName,
} from '../test/helpers.js';
import { ensureStreamConsumer, FanOutReader } from './fanout-reader.js';
import { PollingReader } from './polling-reader.js';
import type { ShardReader } from './shard-reader.js';

const config = testConfig();
const aws = testClients(config);
const stream = uniqueName('readers');
let shardId = '';

async function readAll(
  reader: ShardReader,
  until: (r: _Record[]) => boolean,
): Promise<{ records: _Record[]; end: boolean; children: number }> {
  const records: _Record[] = [];
  const signal = AbortSignal.timeout(20_000);
  for (;;) {
    const out = await reader.read(signal);
    records.push(...out.records);
    if (out.shardEnd) return { records, end: true, children: out.childShards?.length ?? 0 };
    if (until(records)) return { records, end: false, children: 0 };
  }
}

beforeAll(async () => {
  await createActiveStream(aws.kinesis, stream, 1);
  const shards = await aws.kinesis.send(new ListShardsCommand({ StreamName: stream }));
  shardId = shards.Shards?.[0]?.ShardId as string;
  await aws.kinesis.send(
    new PutRecordsCommand({
      StreamName: stream,
      Records: Array.from({ length: 20 }, (_, i) => ({
        PartitionKey: `k${i}`,
        Data: Buffer.from(String(i)),
      })),
    }),
  );
});
afterAll(() => aws.destroy());

const texts = (rs: _Record[]) => rs.map((r) => Buffer.from(r.Data as Uint8Array).toString());
const expected = Array.from({ length: 20 }, (_, i) => String(i));

describe('shard readers against kinesis-local', () => {
  it('polling reads every record once, in order, in small pages', async () => {
    const reader = new PollingReader({
      kinesis: aws.kinesis,
      streamName: stream,
      shardId,
      start: { type: 'TRIM_HORIZON' },
      limit: 7,
      idleTimeMs: 20,
    });
    const { records } = await readAll(reader, (rs) => rs.length >= 20);
    expect(texts(records)).toEqual(expected);
  });

  it('fan-out reads every record once across forced re-subscriptions', async () => {
    const arn = await ensureStreamConsumer(aws.kinesis, stream, 'test-efo');
    expect(await ensureStreamConsumer(aws.kinesis, stream, 'test-efo')).toBe(arn); // idempotent
    let t = 0;
    const reader = new FanOutReader({
      kinesis: aws.kinesis,
      consumerArn: arn,
      shardId,
      start: { type: 'TRIM_HORIZON' },
      renewAfterMs: 0, // re-subscribe before every read
      now: () => (t += 1),
    });
    const first = await readAll(reader, (rs) => rs.length >= 20);
    await aws.kinesis.send(
      new PutRecordsCommand({
        StreamName: stream,
        Records: [20, 21, 22].map((i) => ({ PartitionKey: `k${i}`, Data: Buffer.from(String(i)) })),
      }),
    );
    const second = await readAll(reader, (rs) => rs.length >= 3);
    reader.close();
    expect(texts([...first.records, ...second.records])).toEqual([...expected, '20', '21', '22']);
    expect(reader.subscriptions).toBeGreaterThan(1);
  });

  it('reports SHARD_END with child shards after a split', async () => {
    await aws.kinesis.send(
      new SplitShardCommand({
        StreamName: stream,
        ShardToSplit: shardId,
        NewStartingHashKey: (2n ** 127n).toString(),
      }),
    );
    await streamActive(aws.kinesis, stream);
    const reader = new PollingReader({
      kinesis: aws.kinesis,
      streamName: stream,
      shardId,
      start: { type: 'TRIM_HORIZON' },
      idleTimeMs: 20,
    });
    const out = await readAll(reader, () => false);
    expect(out.end).toBe(true);
    expect(texts(out.records)).toEqual([...expected, '20', '21', '22']);
    expect(out.children).toBe(2);
  });
});
