/**
 * @module bench/consumer-idle
 * `tsx bench/consumer-idle.ts`: what one polling worker pays per second for shards with
 * nothing to read, at the consumer's defaults (`idleTimeMs` 500, `failoverTimeMs` 10 s:
 * renewals every 3.3 s, a take cycle every 10 s). An empty stream of `BENCH_SHARDS` shards
 * on kinesis-local, leases on dynalite; after `BENCH_WARMUP_S` (all leases taken, iterators
 * open) it measures this process's CPU (user + system; the emulators are child processes)
 * and counts the SDK calls for `BENCH_SECONDS`. Idle cost is per call, not per record: it is
 * what a worker holding many quiet shards spends before reading anything.
 */
import { cpus, loadavg } from 'node:os';
import { CreateStreamCommand } from '@aws-sdk/client-kinesis';
import { consume } from '../consumers/index.js';
import { DEFAULT_EMULATORS, startLocalCloud, waitStreamActive } from '../localstack/index.js';
import { countCalls } from './count-calls.js';
import { profiled } from './cpu-profile.js';

const SHARDS = Number(process.env.BENCH_SHARDS ?? 16);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? 6);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const cloud = await startLocalCloud({
  bootstrap: false,
  mqtt: false,
  emulators: DEFAULT_EMULATORS.filter((e) => e.service === 'kinesis' || e.service === 'dynamodb'),
});
try {
  const { kinesis, dynamodb } = cloud.clients;
  const streamName = `bench-idle-${Date.now()}`;
  await kinesis.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: SHARDS }));
  await waitStreamActive(cloud.clients, streamName, 60_000);
  const calls = countCalls(kinesis, dynamodb);
  let read = 0;
  const c = consume({
    kinesis,
    dynamodb,
    streamName,
    leaseTableName: `bench-idle-${Date.now()}`,
    workerId: 'bench',
    maxLeasesForWorker: SHARDS,
    retrieval: { type: 'polling' },
  });
  c.batches.subscribe((b) => {
    read += b.records.length;
    c.ack(b.positions);
  });
  await sleep(WARMUP_S * 1000);
  calls.clear();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await profiled(`consumer-idle-${SHARDS}`, () => sleep(SECONDS * 1000));
  const cpu = process.cpuUsage(cpu0);
  const seconds = (performance.now() - t0) / 1000;
  await c.shutdown(5_000);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const n = [...calls.values()].reduce((a, v) => a + v.n, 0);
  console.log(
    `\nidle polling worker: ${SHARDS} shards, defaults, ${seconds.toFixed(1)} s measured after ${WARMUP_S} s ` +
      `(records read: ${read}; machine: ${machine()})\n`,
  );
  console.log(
    `  CPU: ${(cpuMs / seconds).toFixed(1)} ms per s, ${(cpuMs / seconds / SHARDS).toFixed(2)} ms per shard-second`,
  );
  console.log(
    `  SDK calls: ${(n / seconds).toFixed(1)} per s, ${((cpuMs * 1000) / n).toFixed(0)} µs of CPU per call (all CPU ÷ calls)`,
  );
  for (const [k, v] of [...calls].sort((a, b) => b[1].n - a[1].n)) {
    console.log(`    ${k}: ${(v.n / seconds).toFixed(2)} per s`);
  }
} finally {
  await cloud.stop();
}
process.exit(0);

function machine(): string {
  const cpu = cpus();
  return `${cpu[0]?.model.trim() ?? '?'} × ${cpu.length}, node ${process.versions.node}, load ${loadavg()[0]?.toFixed(1)}`;
}
