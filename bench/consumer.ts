/**
 * @module bench/consumer
 * `npm run bench:consumer`: read one pre-filled stream (kinesis-local, 4 shards) from
 * TRIM_HORIZON to the end with the shardflow consumer (polling, enhanced fan-out) and with
 * lifion-kinesis 1.x (polling, enhanced fan-out) in the same run, each with its own lease
 * table, and print records/s and CPU µs per record (this process only; the emulators are
 * child processes and not counted). Bounded: each contender gets at most 60 s.
 */
import { createRequire } from 'node:module';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { consume } from '../consumers/index.js';
import { LOCAL_CREDENTIALS } from '../localstack/index.js';
import { createActiveStream } from '../test/helpers.js';
import { startConsumerCloud } from './consumer-cloud.js';
import { consumerFloor } from './consumer-floor.js';
import { countCalls, printCalls } from './count-calls.js';
import { profiled } from './cpu-profile.js';
import { machine, table } from './report.js';

const SHARDS = 4;
const RECORDS = Number(process.env.BENCH_RECORDS ?? 8000);
const LIMIT_MS = 60_000;
const IDLE_MS = 2_000;

/** The bench's record: one device reading as JSON (~110 bytes). */
const payload = (i: number): string =>
  JSON.stringify({
    kind: 'device',
    deviceId: `device-${i % 64}`,
    ts: new Date(0).toISOString(),
    readings: { iaq: 45.2, co2: 612 },
  });

interface Result {
  readonly name: string;
  readonly received: number;
  readonly totalMs: number;
  readonly steadyMs: number;
  readonly cpuUs: number;
  /** CPU from the first delivered batch to the last, and the records delivered after it. */
  readonly steadyCpuUs: number;
  readonly steadyRecords: number;
  /** CPU µs per wall-clock ms after the last record, with nothing left to read. */
  readonly idleUsPerMs: number;
  readonly note?: string;
}

interface Contender {
  readonly name: string;
  /** Longest wait for all records; default LIMIT_MS. */
  readonly limitMs?: number;
  /** First error the library reported, if any (for the note column). */
  firstError?: string;
  /** Starts reading; calls `onRecords(n)` per delivered batch; returns a stop function. */
  start(onRecords: (n: number) => void): Promise<() => Promise<void>>;
}

async function measure(c: Contender): Promise<Result> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let received = 0;
  let first = 0;
  let last = 0;
  // steady: CPU from the first delivered batch to the last, over the records after the first batch
  let firstBatch = 0;
  let cpuFirst = cpu0;
  let cpuLast = cpu0;
  let done: () => void = () => {};
  const finished = new Promise<void>((r) => (done = r));
  let stop: (() => Promise<void>) | undefined;
  let note: string | undefined;
  try {
    stop = await c.start((n) => {
      const now = performance.now();
      if (received === 0) {
        first = now;
        firstBatch = n;
        cpuFirst = process.cpuUsage();
      }
      received += n;
      last = now;
      cpuLast = process.cpuUsage();
      if (received >= RECORDS) done();
    });
    const limit = c.limitMs ?? LIMIT_MS;
    await Promise.race([finished, new Promise((r) => setTimeout(r, limit))]);
    if (received < RECORDS) {
      note = `${received < 1 ? 'no records' : 'incomplete'} after ${limit / 1000} s`;
      if (c.firstError) note += `; error: ${c.firstError.slice(0, 90)}`;
    }
  } catch (error) {
    note = `failed: ${(error as Error).message.slice(0, 80)}`;
  }
  const cpu = process.cpuUsage(cpu0);
  // the consumer's time-based CPU (polling empty shards, lease renewals) with nothing to read:
  // it runs during the steady window too and does not grow with records
  const idle0 = process.cpuUsage();
  const w0 = performance.now();
  if (received > 0) await new Promise((r) => setTimeout(r, IDLE_MS));
  const idle = process.cpuUsage(idle0);
  const idleUsPerMs = received > 0 ? (idle.user + idle.system) / (performance.now() - w0) : 0;
  await stop?.().catch(() => undefined);
  return {
    name: c.name,
    received,
    totalMs: last - t0,
    steadyMs: last - first,
    cpuUs: cpu.user + cpu.system,
    steadyCpuUs: cpuLast.user + cpuLast.system - cpuFirst.user - cpuFirst.system,
    steadyRecords: received - firstBatch,
    idleUsPerMs,
    ...(note ? { note } : {}),
  };
}

const cloud = await startConsumerCloud();
try {
  const { kinesis, dynamodb } = cloud.clients;
  // BENCH_CALLS=1: count the SDK calls of each measured consumer (per-call costs, not per record)
  const calls = process.env.BENCH_CALLS ? countCalls(kinesis, dynamodb) : undefined;
  const streamName = `bench-consumer-${Date.now()}`;
  await createActiveStream(kinesis, streamName, SHARDS, 30_000);
  const fillStart = performance.now();
  for (let i = 0; i < RECORDS; i += 500) {
    const Records = Array.from({ length: Math.min(500, RECORDS - i) }, (_, j) => ({
      PartitionKey: `device-${(i + j) % 64}`,
      Data: Buffer.from(payload(i + j)),
    }));
    await kinesis.send(new PutRecordsCommand({ StreamName: streamName, Records }));
  }
  console.log(
    `pre-filled ${RECORDS} records on ${SHARDS} shards in ${((performance.now() - fillStart) / 1000).toFixed(1)} s`,
  );

  const shardflow = (retrieval: 'polling' | 'fanout'): Contender => ({
    name: `shardflow ${retrieval}`,
    async start(onRecords) {
      const c = consume({
        kinesis,
        dynamodb,
        streamName,
        leaseTableName: `bench-sf-${retrieval}-${Date.now()}`,
        workerId: 'bench',
        failoverTimeMs: 10_000,
        takeIntervalMs: 500,
        retrieval:
          retrieval === 'polling'
            ? { type: 'polling', limit: 10_000, idleTimeMs: 250 }
            : { type: 'fanout', consumerName: `bench-sf-${Date.now()}` },
      });
      c.batches.subscribe((b) => {
        onRecords(b.records.length);
        c.ack(b.positions);
      });
      return () => c.shutdown(5_000);
    },
  });

  const lifion = (fanOut: boolean): Contender => ({
    name: `lifion-kinesis 1.x ${fanOut ? 'fanout' : 'polling'}`,
    limitMs: fanOut ? 20_000 : LIMIT_MS,
    async start(onRecords) {
      const self = this as Contender;
      const Kinesis = createRequire(import.meta.url)('lifion-kinesis') as new (o: object) => {
        on(event: string, fn: (data: { records?: unknown[] }) => void): void;
        startConsumer(): Promise<void>;
        stopConsumer(): void;
      };
      const aws = {
        region: cloud.config.region,
        accessKeyId: LOCAL_CREDENTIALS.AWS_ACCESS_KEY_ID,
        secretAccessKey: LOCAL_CREDENTIALS.AWS_SECRET_ACCESS_KEY,
      };
      const k = new Kinesis({
        ...aws,
        endpoint: cloud.endpoints.kinesis,
        streamName,
        consumerGroup: `bench-lifion-${fanOut ? 'efo' : 'poll'}-${Date.now()}`,
        createStreamIfNeeded: false,
        initialPositionInStream: 'TRIM_HORIZON',
        dynamoDb: {
          ...aws,
          endpoint: cloud.endpoints.dynamodb,
          tableName: `bench-lifion-${Date.now()}`,
        },
        useEnhancedFanOut: fanOut,
        leaseAcquisitionInterval: 500,
        limit: 10_000,
        shouldParseJson: false,
        logger: {
          debug: () => undefined,
          warn: () => undefined,
          error: (...args: unknown[]) =>
            void (self.firstError ??= args
              .map((a) => (a instanceof Error ? a.message : String(a)))
              .join(' ')),
        },
      });
      k.on('data', (data) => onRecords(data.records?.length ?? 0));
      k.on('error', (e) => void (self.firstError ??= String((e as unknown as Error).message ?? e)));
      await k.startConsumer();
      return async () => k.stopConsumer();
    },
  });

  const results: Result[] = [];
  const only = process.env.BENCH_ONLY;
  const contenders = [shardflow('polling'), shardflow('fanout'), lifion(false), lifion(true)];
  for (const c of contenders.filter((x) => !only || x.name.includes(only))) {
    calls?.clear();
    const r = await profiled(c.name, () => measure(c));
    results.push(r);
    console.log(`  ${r.name}: ${r.received} records${r.note ? ` (${r.note})` : ''}`);
    if (calls) printCalls(calls);
  }

  const floor = await consumerFloor(payload);
  const floorOf = (prefix: string) => floor.find((f) => f.name.startsWith(prefix))?.usPerRecord;
  const minimum = floorOf('JSON.parse + base64') ?? Number.NaN;
  const sdk = floorOf('SDK GetRecords') ?? Number.NaN;
  // fan-out rows compare with the fan-out floor (the same records as event-stream messages)
  const fanMinimum = floorOf('fan-out: JSON.parse + base64') ?? Number.NaN;
  const fanSdk = floorOf('fan-out: SDK SubscribeToShard') ?? Number.NaN;
  const fan = (name: string) => name.includes('fan');
  console.log('\nfloor (no I/O, CPU µs per record; 2,000 records per response)\n');
  table(
    ['floor', 'CPU µs/record', '÷ JSON.parse + base64'],
    floor.map((f) => [
      f.name,
      f.usPerRecord.toFixed(2),
      (f.usPerRecord / (fan(f.name) ? fanMinimum : minimum)).toFixed(2) + '×',
    ]),
  );

  const base = results[0] as Result;
  const rate = (r: Result) => (r.steadyMs > 0 ? (r.received / r.steadyMs) * 1000 : 0);
  const perRecord = (r: Result) => (r.received > 0 ? r.cpuUs / r.received : Number.NaN);
  const steady = (r: Result) =>
    r.steadyRecords > 0 ? r.steadyCpuUs / r.steadyRecords : Number.NaN;
  // per record, net of the idle rate over the steady window (what grows with records)
  const net = (r: Result) =>
    r.steadyRecords > 0
      ? Math.max(0, r.steadyCpuUs - r.idleUsPerMs * r.steadyMs) / r.steadyRecords
      : Number.NaN;
  const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '—');
  const ratio = (n: number) => (Number.isFinite(n) ? n.toFixed(1) + '×' : '—');
  console.log(
    `\nconsumers (kinesis-local, ${SHARDS} shards, ${RECORDS} records, machine: ${machine()})\n`,
  );
  table(
    [
      'consumer',
      'records',
      'start→last s',
      'records/s (first→last)',
      'CPU µs/record (all)',
      'CPU µs/record (steady)',
      'idle CPU ms/s',
      'steady net of idle',
      'net ÷ SDK deser.',
      'net ÷ JSON+base64',
      'CPU vs sf polling',
      'note',
    ],
    results.map((r) => [
      r.name,
      String(r.received),
      r.received > 0 ? (r.totalMs / 1000).toFixed(2) : '—',
      rate(r).toFixed(0),
      fmt(perRecord(r)),
      fmt(steady(r)),
      fmt(r.idleUsPerMs, 1),
      fmt(net(r)),
      ratio(net(r) / (fan(r.name) ? fanSdk : sdk)),
      ratio(net(r) / (fan(r.name) ? fanMinimum : minimum)),
      Number.isFinite(perRecord(r)) ? (perRecord(r) / perRecord(base)).toFixed(2) + '×' : '—',
      r.note ?? '',
    ]),
  );
} finally {
  await cloud.stop();
}
process.exit(0);
