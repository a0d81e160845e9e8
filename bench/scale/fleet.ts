/**
 * @module bench/scale/fleet
 * One fleet size of `npm run bench:scale`, run in a fresh process (so heap and RSS are this
 * fleet's alone): the devices pipeline as a worker runs it — `runPipeline` over one shard
 * session (`SessionChannel`), `createPipeline([deviceSpec()])`, in-memory snapshot store,
 * sinks that accept every row at once — fed simulated devices (`DeviceSimulator`, one
 * reading per device-minute) on a simulated clock, one simulated minute per batch.
 *
 * Measured: process CPU while the pipeline and its sink stage handle each minute (the
 * simulator's own CPU is excluded: a minute's records are generated before the clock
 * starts), heap and RSS after a full GC before and after the fleet's state exists, an
 * incremental barrier on the pipeline's own state after 1/12 of the devices sent their next
 * reading (what a 5-s barrier sees at one reading per device-minute), and the runner's own
 * first barrier at the end (a full object: `snapshot.committed`, gzip bytes and pause).
 * Prints one JSON line on stdout.
 *
 * Usage: `node --expose-gc --import tsx bench/scale/fleet.ts <devices> <minutes>`
 */
import { asyncScheduler, Subject, type SchedulerLike } from 'rxjs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { SessionChannel, type Lease, type ShardSession } from '../../consumers/index.js';
import { PositionSet, type SourceRecord } from '../../core/index.js';
import type { SinkResult } from '../../sinks/index.js';
import { DeviceSimulator } from '../../producers/index.js';
import { deviceSpec } from '../../pipelines/devices/index.js';
import {
  createPipeline,
  runPipeline,
  type PipelineEvent,
  type ResultSinks,
} from '../../pipelines/runtime/index.js';
import {
  IncrementalSnapshots,
  MemorySnapshotStore,
  compressSnapshot,
  type KeyedStateBackend,
} from '../../pipelines/state/index.js';

/** What one fleet run reports (one JSON line). */
export interface FleetResult {
  readonly devices: number;
  readonly minutes: number;
  readonly readings: number;
  /** Readings of the measured (steady) minutes and the CPU they took. */
  readonly steadyReadings: number;
  readonly steadyCpuMs: number;
  readonly totalCpuMs: number;
  readonly wallMs: number;
  /** After a full GC: before any device, and with the fleet's state. */
  readonly heapBefore: number;
  readonly heapAfter: number;
  readonly rssBefore: number;
  readonly rssAfter: number;
  /** Memory outside the JS heap (typed arrays of the forests, buffers). */
  readonly externalAfter: number;
  readonly arrayBuffersAfter: number;
  readonly snapshotBytes: number;
  readonly snapshotKeys: number;
  readonly snapshotPauseMs: number;
  readonly results: number;
  /**
   * Incremental snapshots on the pipeline's own state: a barrier after 1/12 of the devices
   * sent their next reading (a 5-s barrier period at one reading per device-minute).
   */
  readonly deltaKeys: number;
  readonly deltaPauseMs: number;
  /** Encoding + assembling the delta after the pause (the runner: between batches). */
  readonly deltaEncodeMs: number;
  /** (state, key) values in the delta. */
  readonly deltaValues: number;
  readonly deltaBytes: number;
  /** The barrier after the watermark passed a minute (every key's window closed). */
  readonly wide: { pauseMs: number; encodeMs: number; values: number; bytes: number };
  /** Heap of the per-key texts incremental snapshots keep (after a full capture). */
  readonly textsHeap: number;
}

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const fullGc = () => {
  for (let i = 0; i < 3; i++) gc();
};

/** Sinks that make every row durable at once: the pipeline's own cost, no I/O. */
function acceptingSinks(): { sinks: ResultSinks; count: () => number } {
  let rows = 0;
  const accept = async <T>(items: readonly unknown[]): Promise<SinkResult<T>> => {
    rows += items.length;
    return { durable: PositionSet.empty, written: items.length, failures: [] };
  };
  const sink = { write: accept };
  return {
    sinks: { scores: sink, predictions: sink, anomalies: sink, readings: sink, deadLetters: sink },
    count: () => rows,
  };
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const settle = async (done: () => boolean) => {
  while (!done()) await new Promise((r) => setTimeout(r, 2));
};

/** Runs `devices` simulated devices for `minutes` simulated minutes; see the module doc. */
export async function runFleet(
  devices: number,
  minutes: number,
  /** Called with the fleet's state in memory (e.g. to take a heap snapshot). */
  afterFeed: () => void = () => {},
): Promise<FleetResult> {
  const start = Date.UTC(2026, 10, 23, 6);
  let now = start;
  // the simulated clock: `now()` is simulated time (the windows' future-timestamp bound);
  // timers (sink batching, idle timeouts) run on the real clock
  const clock: SchedulerLike = {
    now: () => now,
    schedule: asyncScheduler.schedule.bind(asyncScheduler),
  };
  // one extra minute: 1/12 of it is fed for the incremental barrier
  const simulator = new DeviceSimulator({ devices, steps: minutes + 1, start: new Date(start) });
  const readings = simulator.readings();
  const encoder = new TextEncoder();
  const { sinks, count } = acceptingSinks();
  const events: PipelineEvent[] = [];
  let state: KeyedStateBackend | undefined;
  const sessions = new Subject<ShardSession>();
  const running = runPipeline({
    consumer: { sessions, shutdown: async () => sessions.complete() },
    pipeline: (context) => {
      state = context.state;
      return createPipeline([deviceSpec()], context);
    },
    sinks,
    store: new MemorySnapshotStore(),
    maxWaitMs: 5,
    scheduler: clock,
    // barriers are measured once, at the end: in accelerated time a wall-clock period
    // would cut a barrier every few simulated minutes (a real worker: every 5 s)
    snapshotIntervalMs: 2 ** 31 - 1,
    // keep only what is read below (batch reports hold every item written)
    onEvent: (e) => {
      if (e.type !== 'batch.written') events.push(e);
    },
  });
  const lease: Lease = {
    leaseKey: 'shardId-000000000000',
    leaseCounter: 1,
    checkpoint: { sequenceNumber: 'TRIM_HORIZON', subSequenceNumber: 0 },
    ownerSwitchesSinceCheckpoint: 0,
    parentShardIds: [],
    childShardIds: [],
  };
  const channel = new SessionChannel(
    lease,
    async () => [],
    async () => true,
  );
  sessions.next(channel.session);
  await settle(() => events.some((e) => e.type === 'session.started'));
  fullGc();
  const before = process.memoryUsage();
  const t0 = performance.now();
  let ordinal = 0;
  let total = 0;
  let fed = 0;
  let steadyCpu = 0;
  let steadyReadings = 0;
  // the first minutes build each device's forest and fill its look-back; CPU is "steady"
  // once every ring holds 60 windows (or over the last half of a shorter run)
  const steadyFrom = minutes > 70 ? 62 : Math.floor(minutes / 2);
  let next = readings.next();
  const minute = (t: number) => {
    const batch: SourceRecord[] = [];
    while (!next.done && Date.parse(next.value.ts) === t) {
      const r = next.value;
      batch.push({
        position: {
          shardId: lease.leaseKey,
          sequenceNumber: String(ordinal),
          subSequenceNumber: 0,
          ordinal,
        },
        partitionKey: r.deviceId,
        data: encoder.encode(JSON.stringify(r)),
        approximateArrivalTimestamp: t,
      });
      ordinal += 1;
      next = readings.next();
    }
    return batch;
  };
  for (let m = 0; m < minutes; m++) {
    const t = start + m * 60_000;
    const batch = minute(t);
    now = t + 1_000;
    const c0 = cpuMs();
    channel.deliver({ shardId: lease.leaseKey, records: batch, positions: PositionSet.empty });
    fed += batch.length;
    // the sink stage has taken every item emitted so far
    await settle(() => running.stats().pendingItems === 0);
    const used = cpuMs() - c0;
    total += used;
    if (m >= steadyFrom) {
      steadyCpu += used;
      steadyReadings += batch.length;
    }
  }
  const wallMs = performance.now() - t0;
  fullGc();
  const after = process.memoryUsage();
  afterFeed();
  // incremental snapshots on this state (the runner's own barrier below is a full one: a
  // session's first): a full capture fills the per-key texts, then 1/12 of the devices
  // send their next reading and a barrier encodes only what changed
  const backend = state as KeyedStateBackend;
  // (no compaction here: the all-keys delta would make the next object a full one)
  const snaps = new IncrementalSnapshots(backend, {
    shardId: lease.leaseKey,
    ttlMs: Infinity,
    compactRatio: 100,
  });
  const base = snaps.capture();
  snaps.written(base, 'base', base.json().length);
  fullGc();
  const textsHeap = process.memoryUsage().heapUsed - after.heapUsed;
  const t = start + minutes * 60_000;
  now = t + 1_000;
  const next12 = minute(t);
  const period = Math.ceil(devices / 12);
  // the first twelfth moves the watermark past minute t − 1: every key's window closes (a
  // barrier once a minute sees every key changed) — measured, then a typical barrier
  const first = next12.slice(0, period);
  channel.deliver({ shardId: lease.leaseKey, records: first, positions: PositionSet.empty });
  await settle(() => running.stats().pendingItems === 0);
  const w0 = performance.now();
  const wide = snaps.capture();
  const widePauseMs = performance.now() - w0;
  const wideText = wide.json();
  const wideEncodeMs = performance.now() - w0 - widePauseMs;
  const wideValues = wide.values;
  const wideBytes = (await compressSnapshot(wideText)).byteLength;
  snaps.written(wide, 'wide', wideBytes);
  const twelfth = next12.slice(period, 2 * period);
  channel.deliver({ shardId: lease.leaseKey, records: twelfth, positions: PositionSet.empty });
  await settle(() => running.stats().pendingItems === 0);
  const d0 = performance.now();
  const delta = snaps.capture();
  const deltaPauseMs = performance.now() - d0;
  const text = delta.json(); // encoded after the pause, between batches in the runner
  const deltaEncodeMs = performance.now() - d0 - deltaPauseMs;
  const deltaValues = delta.values;
  const deltaBytes = (await compressSnapshot(text)).byteLength;
  // one barrier: the session hands over (shutdownRequested) → snapshot → commit
  channel.end('shutdownRequested');
  await settle(() => events.some((e) => e.type === 'snapshot.committed'));
  const snap = events.find((e) => e.type === 'snapshot.committed');
  await running.stop(1_000);
  if (!snap || snap.type !== 'snapshot.committed') throw new Error('no snapshot committed');
  return {
    devices,
    minutes,
    readings: fed,
    steadyReadings,
    steadyCpuMs: steadyCpu,
    totalCpuMs: total,
    wallMs,
    heapBefore: before.heapUsed,
    heapAfter: after.heapUsed,
    rssBefore: before.rss,
    rssAfter: after.rss,
    externalAfter: after.external,
    arrayBuffersAfter: after.arrayBuffers,
    snapshotBytes: snap.bytes,
    snapshotKeys: snap.keys,
    snapshotPauseMs: snap.pauseMs,
    results: count(),
    deltaKeys: twelfth.length,
    wide: { pauseMs: widePauseMs, encodeMs: wideEncodeMs, values: wideValues, bytes: wideBytes },
    deltaPauseMs,
    deltaEncodeMs,
    deltaValues,
    deltaBytes,
    textsHeap,
  };
}

if (process.argv[1]?.endsWith('fleet.ts')) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const [devices = '1000', minutes = '30'] = process.argv.slice(2);
  const result = await runFleet(Number(devices), Number(minutes));
  // exit at once: timers armed by the pipeline's silence watcher can outlive it by minutes
  process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
}
