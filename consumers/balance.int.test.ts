/**
 * The balancing scenario with real consumers on a real 6-shard stream: 3 workers
 * converge to 2 leases each, a 4th takes its share by graceful hand-off, one stopped
 * cleanly has its leases taken within one failover period — and every record produced
 * meanwhile is delivered.
 */
import { CreateStreamCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { waitStreamActive } from '../localstack/index.js';
import { testClients, testConfig, uniqueName, waitFor } from '../test/helpers.js';
import { consume } from './consume.js';
import type { Consumer, ConsumerEvent } from './consume-types.js';

const FAILOVER = 2_000;
const aws = testClients(testConfig());
const workers: Consumer[] = [];
const seen = new Set<string>();
afterAll(async () => {
  await Promise.all(workers.map((w) => w.shutdown(500)));
  aws.destroy();
});

it('3 workers converge to 2 leases each, a 4th rebalances, a clean stop moves leases within failoverTime', async () => {
  const stream = uniqueName('balance');
  const table = uniqueName('leases');
  await aws.kinesis.send(new CreateStreamCommand({ StreamName: stream, ShardCount: 6 }));
  await waitStreamActive(aws, stream, 20_000);
  const start = (id: string, events: ConsumerEvent[] = []) => {
    const c = consume({
      kinesis: aws.kinesis,
      dynamodb: aws.dynamodb,
      streamName: stream,
      leaseTableName: table,
      workerId: id,
      failoverTimeMs: FAILOVER,
      takeIntervalMs: 300,
      checkpointIntervalMs: 200,
      retrieval: { type: 'polling', idleTimeMs: 100 },
      onEvent: (e) => events.push(e),
    });
    c.batches.subscribe((b) => {
      for (const r of b.records) seen.add(Buffer.from(r.data).toString());
      c.ack(b.positions);
    });
    workers.push(c);
    return c;
  };
  let produced = 0;
  const produce = async (n: number) => {
    const Records = Array.from({ length: n }, (_, i) => ({
      PartitionKey: `k${produced + i}`,
      Data: Buffer.from(`r${produced + i}`),
    }));
    produced += n;
    await aws.kinesis.send(new PutRecordsCommand({ StreamName: stream, Records }));
  };
  const held = (cs: Consumer[]) => cs.map((c) => c.heldLeases().length);

  const [a, b, c] = [start('a'), start('b'), start('c')];
  await produce(60);
  await waitFor(() => held([a, b, c]).join() === '2,2,2', {
    what: '2 leases each',
    timeoutMs: 20_000,
  });

  const dEvents: ConsumerEvent[] = [];
  const d = start('d', dEvents);
  await produce(60);
  await waitFor(
    () => d.heldLeases().length >= 1 && held([a, b, c, d]).reduce((x, y) => x + y) === 6,
    {
      what: 'the 4th worker to get leases',
      timeoutMs: 20_000,
    },
  );
  expect(Math.max(...held([a, b, c, d])) - Math.min(...held([a, b, c, d]))).toBeLessThanOrEqual(1);
  expect(
    dEvents.some((e) => e.type === 'coordinator' && e.event.type === 'lease.steal-started'),
  ).toBe(true);

  const moving = c.heldLeases();
  const stoppedAt = Date.now();
  await c.shutdown(1_000);
  await waitFor(() => moving.every((k) => [a, b, d].some((w) => w.heldLeases().includes(k))), {
    what: "c's leases to move",
    timeoutMs: 10_000,
  });
  expect(Date.now() - stoppedAt).toBeLessThan(FAILOVER); // drain + release + one take cycle
  await produce(60);
  await waitFor(() => seen.size === produced, {
    what: 'every record delivered',
    timeoutMs: 20_000,
  });
});
