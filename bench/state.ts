/**
 * @module bench/state
 * `npm run bench:state`: the cost of keyed-state checkpoints (issue 11, docs/KEYED-STATE.md).
 *
 * 1. Full snapshots (before) and incremental ones (after) side by side: barrier pause,
 *    object size, gzip and restore time, for 1,000 and 10,000 device keys in the state
 *    the devices pipeline keeps (same state names and codecs): a full 60-window ring of 6
 *    measures, ~1.5 minutes of pending readings (the open window and the point resample
 *    holds, one reading every 10 s), an anomaly detector fed 60 windows. Values are random walks at full double
 *    precision, as window means are. Before: the barrier's pause = encode every value +
 *    serialise to JSON. After: a barrier every 5 s sees 1/12 of the devices changed (one
 *    reading per device-minute), and once a minute every key (the watermark closed every
 *    key's window); its pause = take the set of changed keys; they are encoded after the
 *    pause (copy-on-write) and the document is assembled from per-key texts; every 12th
 *    object is a full one (compaction).
 *    Then gzip (in the runner: zlib's thread pool); restore = gunzip + parse + version check
 *    + merge the chain + decode into the backend.
 * 2. The first-point cost of a restored key: rebuilding its forest from the ring, and the
 *    size an exact forest snapshot would have instead.
 * 3. Checkpoint lag on the embedded local cloud: devices readings put at a steady pace into
 *    a 1-shard stream, one pipeline worker with the S3 snapshot store; for each checkpoint
 *    written, the age of the newest record it passes (put → checkpoint), per snapshot period.
 */
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { createAwsClients } from '../adapters/index.js';
import { consume, type ConsumerEvent } from '../consumers/index.js';
import { loadConfig, prng, resourcesFor, type Reading } from '../core/index.js';
import {
  bootstrapResources,
  withoutRawArchive,
  LOCAL_CREDENTIALS,
  startLocalCloud,
} from '../localstack/index.js';
import { AnomalyDetector, RandomCutForest, serializeForest } from '../models/index.js';
import { deviceSpec, WARM_FOREST } from '../pipelines/devices/index.js';
import {
  createPipeline,
  createResultSinks,
  runPipeline,
  shingleFeatures,
  detectorCodec,
  ringCodec,
  type Ring,
} from '../pipelines/runtime/index.js';
import {
  IncrementalSnapshots,
  KeyedStateBackend,
  MemorySnapshotStore,
  createS3SnapshotStore,
  decodeSnapshot,
  readSnapshotChain,
  snapshotJson,
  type Capture,
  type StateSnapshot,
} from '../pipelines/state/index.js';
import { gzipSync } from 'node:zlib';
import { table } from './report.js';

const MEASURES = ['iaq', 'temperature', 'humidity', 'voc', 'pressure', 'co2'] as const;
const BASE: Record<string, number> = {
  iaq: 60,
  temperature: 21,
  humidity: 40,
  voc: 0.5,
  pressure: 1013,
  co2: 600,
};
const draws = prng(42);
const random = () => draws.next();
const walk = (m: string) => (BASE[m] as number) * (1 + (random() - 0.5) / 20);
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
};
const time = (f: () => void, repeat: number) => {
  const t = performance.now();
  for (let i = 0; i < repeat; i++) f();
  return (performance.now() - t) / repeat;
};

/** A backend holding the devices pipeline's state for `n` keys (see the module doc). */
function deviceState(n: number): KeyedStateBackend {
  const backend = new KeyedStateBackend();
  const rings = backend.register<Ring>('devices.ring', ringCodec());
  const pending = backend.register<Reading[]>('devices.pending');
  const detectorOptions = { measures: MEASURES, stepMs: 60_000, thresholder: {} };
  const detectors = backend.register('devices.detector', detectorCodec(detectorOptions));
  const t0 = Date.UTC(2026, 10, 29, 10);
  for (let k = 0; k < n; k++) {
    const key = `B84C${k.toString(16).padStart(12, '0').toUpperCase()}`;
    const values = Array.from({ length: 60 }, () =>
      Object.fromEntries(MEASURES.map((m) => [m, walk(m)])),
    );
    rings.set(key, { time: t0 + 59 * 60_000, values });
    pending.set(
      key,
      Array.from({ length: 9 }, (_, i) => ({
        kind: 'device',
        deviceId: key,
        ts: new Date(t0 + 60 * 60_000 + i * 10_000).toISOString(),
        readings: Object.fromEntries(MEASURES.map((m) => [m, Math.round(walk(m) * 100) / 100])),
      })) as unknown as Reading[],
    );
    const d = new AnomalyDetector(detectorOptions);
    values.forEach((row, i) =>
      d.update({
        time: t0 + i * 60_000,
        values: MEASURES.map((m) => row[m] as number),
        score: 0.8 + random(),
      }),
    );
    detectors.set(key, d);
  }
  return backend;
}

/**
 * Changes `keys` the way one barrier period sees them: a device reporting once a minute,
 * barriers every 5 s, so 1/12 of the keys per period — a new window in the ring, a new
 * pending reading, a detector update (each read through `get`, as the chain does).
 */
function touch(backend: KeyedStateBackend, keys: readonly string[], minute: number): void {
  const rings = backend.register<Ring>('devices.ring', ringCodec());
  const pending = backend.register<Reading[]>('devices.pending');
  const detectors = backend.register(
    'devices.detector',
    detectorCodec({ measures: MEASURES, stepMs: 60_000, thresholder: {} }),
  );
  for (const key of keys) {
    const ring = rings.get(key) as Ring;
    const row = Object.fromEntries(MEASURES.map((m) => [m, walk(m)]));
    ring.values.push(row);
    ring.values.shift();
    ring.time += 60_000;
    rings.set(key, ring);
    pending.get(key)?.push({ ...(pending.get(key)?.[0] as Reading) });
    detectors.get(key)?.update({
      time: ring.time + minute,
      values: MEASURES.map((m) => row[m] as number),
      score: 0.8 + random(),
    });
  }
}

const restoreInto = (states: StateSnapshot) => {
  const restored = new KeyedStateBackend();
  restored.restore(states);
  restored.register<Ring>('devices.ring', ringCodec());
  restored.register<Reading[]>('devices.pending');
  restored.register(
    'devices.detector',
    detectorCodec({ measures: MEASURES, stepMs: 60_000, thresholder: {} }),
  );
};

/** Full snapshots (before) and incremental ones (after), side by side, for `n` keys. */
async function sizes(n: number): Promise<string[][]> {
  const backend = deviceState(n);
  const keys = [...backend.keysOf('devices.ring')];
  const repeat = n >= 10_000 ? 2 : 5;
  const kib = (b: number) => `${(b / 1024).toFixed(0)} KiB`;
  // before: every barrier encodes and serialises every key
  let json = '';
  let full: Uint8Array = new Uint8Array();
  const fullPause = time(
    () => (json = snapshotJson('shardId-000000000000', backend.snapshot())),
    repeat,
  );
  const fullGzip = time(() => (full = gzipSync(json)), repeat);
  const fullRestore = time(() => restoreInto(decodeSnapshot(full).states), repeat);
  // after: a barrier encodes the keys changed since the previous one
  const store = new MemorySnapshotStore();
  const snaps = new IncrementalSnapshots(backend, {
    shardId: 'shardId-000000000000',
    maxDeltas: 11,
  });
  const write = async (c: Capture) => {
    const bytes = gzipSync(c.json());
    const ref = await store.put('shardId-000000000000', bytes);
    snaps.written(c, ref, bytes.byteLength);
    return { ref, bytes: bytes.byteLength };
  };
  await write(snaps.capture()); // the base (the first barrier of a session)
  const period = Math.ceil(n / 12);
  const deltas: { pause: number; assemble: number; gzip: number; bytes: number }[] = [];
  let head = '';
  for (let b = 0; b < 11; b++) {
    touch(backend, keys.slice(b * period, (b + 1) * period), b);
    let c: Capture | undefined;
    const pause = time(() => (c = snaps.capture()), 1);
    let text = '';
    const assemble = time(() => (text = (c as Capture).json()), 1);
    let bytes: Uint8Array = new Uint8Array();
    const gzip = time(() => (bytes = gzipSync(text)), 1);
    const ref = await store.put('shardId-000000000000', bytes);
    snaps.written(c as Capture, ref, bytes.byteLength);
    head = ref;
    deltas.push({ pause, assemble, gzip, bytes: bytes.byteLength });
  }
  const mean = (f: (d: (typeof deltas)[number]) => number) =>
    deltas.reduce((a, d) => a + f(d), 0) / deltas.length;
  let objects = 0;
  let chainRestore = 0;
  for (let r = 0; r < repeat; r++) {
    const t = performance.now();
    const chain = await readSnapshotChain((ref) => store.get(ref), head);
    restoreInto(chain.states);
    chainRestore += (performance.now() - t) / repeat;
    objects = chain.refs.length;
  }
  // the barrier after the watermark passed a minute: every key's window closed (ring,
  // detector, pending changed) — once a minute with a shared watermark
  touch(backend, keys, 98);
  let wide: Capture | undefined;
  const widePause = time(() => (wide = snaps.capture()), 1);
  let wideText = '';
  const wideEncode = time(() => (wideText = (wide as Capture).json()), 1);
  const wideBytes = gzipSync(wideText).byteLength;
  // compaction: a full object from the per-key texts (only the changed keys encoded)
  touch(backend, keys.slice(0, period), 99);
  let compact: Capture | undefined;
  const compactPause = time(() => (compact = snaps.capture(true)), 1);
  let compactText = '';
  const compactAssemble = time(() => (compactText = (compact as Capture).json()), 1);
  const compactBytes = gzipSync(compactText).byteLength;
  const k = n.toLocaleString('en');
  return [
    [
      k,
      'full, every barrier (before)',
      `${fullPause.toFixed(0)} ms`,
      '—',
      `${kib(full.byteLength)} (${(full.byteLength / n).toFixed(0)} B/key)`,
      `${fullGzip.toFixed(0)} ms`,
      `${fullRestore.toFixed(0)} ms (1 object)`,
    ],
    [
      k,
      'delta, 1/12 of keys changed (after)',
      `${mean((d) => d.pause).toFixed(1)} ms`,
      `${mean((d) => d.assemble).toFixed(1)} ms`,
      kib(mean((d) => d.bytes)),
      `${mean((d) => d.gzip).toFixed(0)} ms`,
      `${chainRestore.toFixed(0)} ms (${objects} objects)`,
    ],
    [
      k,
      `${wide?.kind}, every key changed (after; once a minute)`,
      `${widePause.toFixed(1)} ms`,
      `${wideEncode.toFixed(0)} ms`,
      kib(wideBytes),
      '—',
      '—',
    ],
    [
      k,
      'compaction: full from per-key texts (after)',
      `${compactPause.toFixed(0)} ms`,
      `${compactAssemble.toFixed(0)} ms`,
      kib(compactBytes),
      '—',
      '—',
    ],
  ];
}

function forests(): string[] {
  const ring = deviceState(1).register<Ring>('devices.ring');
  const values = [...ring.entries()][0]![1].values;
  const dims = MEASURES.length * 4;
  let forest: RandomCutForest | undefined;
  const keys = 50;
  const ms = time(() => {
    forest = new RandomCutForest({ ...WARM_FOREST, dimensions: dims });
    for (let j = 1; j < values.length; j++)
      forest.process(shingleFeatures(values.slice(0, j), MEASURES, 4));
  }, keys);
  const exact = JSON.stringify(serializeForest(forest as RandomCutForest)).length;
  return [
    'forest rebuilt from a 60-window ring (first point of a restored key)',
    `${ms.toFixed(1)} ms per key`,
    `exact forest snapshot instead: ${(exact / 1024).toFixed(0)} KiB per key`,
  ];
}

async function lag(snapshotIntervalMs: number, seconds: number): Promise<string[]> {
  const config = loadConfig(process.env, {
    app: `bench-state-${snapshotIntervalMs}-${Date.now()}`,
    shardCount: 1,
  });
  const aws = createAwsClients(config);
  const resources = resourcesFor(config);
  await bootstrapResources(aws, withoutRawArchive(resources), { deliveryStreams: true });
  // records in put order (one shard: sequence numbers increase) with their put time
  const puts: { seq: bigint; at: number }[] = [];
  let next = 0;
  const newest: number[] = [];
  const oldest: number[] = [];
  const onEvent = (e: ConsumerEvent) => {
    if (e.type !== 'shard.checkpointed' || !/^\d+$/.test(e.checkpoint.sequenceNumber)) return;
    const cp = BigInt(e.checkpoint.sequenceNumber);
    const now = performance.now();
    const first = next;
    while (next < puts.length && (puts[next] as { seq: bigint }).seq <= cp) next += 1;
    if (next === first) return;
    // the records this checkpoint newly passes: the newest and the oldest of them
    newest.push(now - (puts[next - 1] as { at: number }).at);
    oldest.push(now - (puts[first] as { at: number }).at);
  };
  const running = runPipeline({
    consumer: consume({
      kinesis: aws.kinesis,
      dynamodb: aws.dynamodb,
      streamName: config.streamName,
      leaseTableName: config.leaseTableName,
      workerId: 'bench-state',
      failoverTimeMs: 2_000,
      retrieval: { type: 'polling', idleTimeMs: 100 },
      onEvent,
    }),
    pipeline: (ctx) => createPipeline([deviceSpec()], ctx),
    sinks: createResultSinks({ aws, config }),
    store: createS3SnapshotStore({ s3: aws.s3, bucket: config.bucketName }),
    maxWaitMs: 100,
    snapshotIntervalMs,
  });
  const keys = Array.from({ length: 50 }, (_, i) => `dev-${i}`);
  const t0 = Date.now() - 3_600_000;
  const end = performance.now() + seconds * 1000;
  for (let s = 0; performance.now() < end; s++) {
    const out = await aws.kinesis.send(
      new PutRecordsCommand({
        StreamName: config.streamName,
        Records: keys.map((k) => ({
          PartitionKey: k,
          Data: Buffer.from(
            JSON.stringify({
              kind: 'device',
              deviceId: k,
              ts: new Date(t0 + s * 10_000).toISOString(),
              readings: Object.fromEntries(MEASURES.map((m) => [m, walk(m)])),
            }),
          ),
        })),
      }),
    );
    const now = performance.now();
    for (const r of out.Records ?? [])
      if (r.SequenceNumber) puts.push({ seq: BigInt(r.SequenceNumber), at: now });
    puts.sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0));
    await new Promise((r) => setTimeout(r, 100));
  }
  await running.stop(5_000);
  aws.destroy();
  const ms = (x: number) => `${x.toFixed(0)} ms`;
  return [
    `${snapshotIntervalMs} ms`,
    String(newest.length),
    ms(quantile(newest, 0.5)),
    ms(quantile(oldest, 0.5)),
    ms(Math.max(...oldest)),
  ];
}

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const sized: string[][] = [];
for (const n of [1_000, 10_000]) sized.push(...(await sizes(n)));
table(
  [
    'keys',
    'snapshot',
    'barrier pause',
    'encode + assemble after the pause (copy-on-write, between batches)',
    'object (gzip)',
    'gzip (zlib thread pool)',
    'restore',
  ],
  sized,
  { right: (column) => column !== 1 },
);
console.log();
table(["restore of a key's model", 'cost', 'alternative'], [forests()], {
  right: (column) => column === 1,
});
console.log();
const cloud = await startLocalCloud({ bootstrap: false });
Object.assign(process.env, LOCAL_CREDENTIALS, cloud.env);
try {
  const lags: string[][] = [];
  for (const period of [1_000, 5_000]) lags.push(await lag(period, 25));
  table(
    [
      'snapshot period',
      'checkpoints',
      'newest record passed: age p50',
      'oldest record passed: age p50',
      'oldest: max',
    ],
    lags,
    { right: () => true },
  );
} finally {
  await cloud.stop();
}
