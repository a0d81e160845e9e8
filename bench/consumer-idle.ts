/**
 * @module bench/consumer-idle
 * `tsx bench/consumer-idle.ts`: what one polling worker pays per second for shards with
 * nothing to read, at the consumer's defaults (`idleTimeMs` 500, `failoverTimeMs` 10 s:
 * renewals every 3.3 s, a take cycle every 10 s). An empty stream of `BENCH_SHARDS` shards
 * on kinesis-local, leases on dynalite; after `BENCH_WARMUP_S` (all leases taken, iterators
 * open) it measures this process's CPU (user + system; the emulators are child processes)
 * and counts the SDK calls for `BENCH_SECONDS`. Idle cost is per call, not per record: it is
 * what a worker holding many quiet shards spends before reading anything.
 * `BENCH_RATE=<records/s>` instead writes a live trickle while measuring (in this process: read
 * the call counts then, not the CPU): how many records each `GetRecords` returns, i.e. over
 * how many records its per-call cost is spread when shards are not idle.
 */
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { consume } from '../consumers/index.js';
import { createActiveStream } from '../test/helpers.js';
import { startConsumerCloud } from './consumer-cloud.js';
import { countCalls } from './count-calls.js';
import { profiled } from './cpu-profile.js';
import { machine } from './report.js';

const SHARDS = Number(process.env.BENCH_SHARDS ?? 16);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? 6);
const RATE = Number(process.env.BENCH_RATE ?? 0);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const cloud = await startConsumerCloud();
try {
  const { kinesis, dynamodb } = cloud.clients;
  const streamName = `bench-idle-${Date.now()}`;
  await createActiveStream(kinesis, streamName, SHARDS, 60_000);
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
  let writing = RATE > 0;
  // 20 PutRecords per second of RATE / 20 records each, spread over the shards by key
  const writer = (async () => {
    for (let i = 0; writing; i += 1) {
      const Records = Array.from({ length: Math.max(1, Math.round(RATE / 20)) }, (_, j) => ({
        PartitionKey: `device-${i}-${j}`,
        Data: Buffer.from(JSON.stringify({ deviceId: `device-${j}`, i })),
      }));
      await kinesis.send(new PutRecordsCommand({ StreamName: streamName, Records }));
      await sleep(50);
    }
  })();
  calls.clear();
  const read0 = read;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await profiled(`consumer-idle-${SHARDS}`, () => sleep(SECONDS * 1000));
  const cpu = process.cpuUsage(cpu0);
  const seconds = (performance.now() - t0) / 1000;
  const measured = read - read0;
  writing = false;
  await writer;
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
  const gets = calls.get('GetRecordsCommand')?.n ?? 0;
  if (RATE > 0) {
    console.log(
      `  live: ${(measured / seconds).toFixed(0)} records/s read, ${(measured / Math.max(1, gets)).toFixed(1)} records per GetRecords`,
    );
  }
  for (const [k, v] of [...calls].sort((a, b) => b[1].n - a[1].n)) {
    console.log(`    ${k}: ${(v.n / seconds).toFixed(2)} per s`);
  }
} finally {
  await cloud.stop();
}
process.exit(0);
