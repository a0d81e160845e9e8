/**
 * Unit tests of the pipeline runtime: the ack join (claims, look-back retention, the single
 * sink stage with partial failures), the devices and households compositions, per-shard
 * chains, and the idle timeout on virtual time. No AWS: sinks are in-memory `Sink`s.
 */
import { from, lastValueFrom, map, Subject, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { PositionSet, type DeadLetter, type SourceRecord, type Traced } from '../../core/index.js';
import { movingAverage } from '../../models/index.js';
import { device, record } from '../../operators/testing/fixtures.js';
import type { Sink, SinkFailure, SinkResult } from '../../sinks/index.js';
import { createDevicePipeline, deviceSpec } from '../devices/index.js';
import { createHouseholdPipeline } from '../households/index.js';
import type { ShardBatch } from '../../consumers/index.js';
import {
  AckLedger,
  Claim,
  createPipeline,
  NO_OUTPUTS,
  runPipeline,
  ShardChains,
  writeItems,
  writeResults,
  type ResultItem,
  type ResultRow,
  type ResultSinks,
} from './index.js';

type Fail = { code: string; retriable: boolean } | undefined;

/** An in-memory sink that fails the values `fail` picks (until `fail` says otherwise). */
class MemorySink<T> implements Sink<T> {
  readonly written: T[] = [];
  calls = 0;
  constructor(public fail: (value: T, call: number) => Fail = () => undefined) {}
  write(items: readonly Traced<T>[]): Promise<SinkResult<T>> {
    this.calls += 1;
    const failures: SinkFailure<T>[] = [];
    for (const item of items) {
      const f = this.fail(item.value, this.calls);
      if (f) failures.push({ item, code: f.code, message: f.code, retriable: f.retriable });
      else this.written.push(item.value);
    }
    return Promise.resolve({ durable: PositionSet.empty, written: this.written.length, failures });
  }
}

function memorySinks() {
  const scores = new MemorySink<Readonly<Record<string, unknown>>>();
  const anomalies = new MemorySink<ResultRow>();
  const predictions = new MemorySink<ResultRow>();
  const readings = new MemorySink<ResultRow>();
  const dead = new MemorySink<DeadLetter>();
  const sinks: ResultSinks = {
    scores,
    anomalies,
    predictions,
    readings,
    deadLetters: {
      write: (d) => dead.write(d.map((x) => ({ value: x, positions: x.positions }))),
    },
  };
  return { sinks, scores, anomalies, predictions, dead };
}

/** Acks collected by a ledger, as one set. */
function acks() {
  let all = PositionSet.empty;
  const ledger = new AckLedger((p) => (all = all.union(p)));
  return { ledger, acked: () => all };
}

const MIN = 60;
/** One reading per minute (at :10) for `minutes` minutes; iaq spikes at `spikeAt`. */
function deviceRecords(
  id: string,
  minutes: number,
  startOrdinal = 0,
  spikeAt = -1,
): SourceRecord[] {
  const out: SourceRecord[] = [];
  for (let m = 0; m < minutes; m++) {
    const wobble = Math.sin(m / 3);
    const v = m === spikeAt ? 480 : 50 + 2 * wobble;
    out.push(
      record(
        startOrdinal + m,
        device(id, m * MIN + 10, v, { co2: m === spikeAt ? 5000 : 600 + 5 * wobble }),
      ),
    );
  }
  return out;
}

const fastModels = {
  forecaster: movingAverage({ inputLength: 10, span: 5 }),
  forest: { numberOfTrees: 30, sampleSize: 32, outputAfter: 8, seed: 7 },
  thresholder: { minScores: 5, zFactor: 2.5 },
};

describe('AckLedger', () => {
  it('acks a claim only when it is closed and every holder is durable', () => {
    const { ledger, acked } = acks();
    const a = new Claim(PositionSet.range('s', 0, 2));
    const b = new Claim(PositionSet.range('s', 3, 3));
    ledger.hold([a]); // item 1 holds a
    ledger.hold([a, b]); // item 2 holds a and b
    ledger.close([a]); // a left the look-back
    ledger.release([a, b]); // item 2 durable first
    expect(acked().isEmpty).toBe(true); // item 1 still pending
    ledger.release([a]); // item 1 durable
    expect(acked().toString()).toBe('s:[0-2]');
    ledger.close([b]);
    expect(acked().toString()).toBe('s:[0-3]');
    expect(ledger.stats()).toEqual({ open: 0, acked: 2 });
  });

  it('ignores releases of forgotten claims (abandoned shard)', () => {
    const { ledger, acked } = acks();
    const a = new Claim(PositionSet.single('x', 1));
    ledger.hold([a]);
    ledger.forgetShard('x');
    ledger.close([a]);
    expect(acked().isEmpty).toBe(true);
    const b = new Claim(PositionSet.single('y', 1));
    ledger.hold([b]);
    ledger.forgetShard('y');
    ledger.release([b]);
    expect(acked().has('y', 1)).toBe(false);
  });
});

describe('devices pipeline (composition)', () => {
  const run = async (records: SourceRecord[]) => {
    const { ledger, acked } = acks();
    const items = await lastValueFrom(
      from(records).pipe(
        createDevicePipeline({ ...fastModels, retain: 10 }, { ledger }),
        toArray(),
      ),
    );
    return { items, ledger, acked };
  };

  it('one item per window with score, predictions after the forecaster warm-up, dead letters with reasons', async () => {
    const records = deviceRecords('d1', 30, 0, 25);
    records.push(record(30, '{not json'));
    records.push(record(31, { kind: 'device', deviceId: 'd1', ts: 'yesterday' }));
    records.push(record(32, device('d1', 29 * MIN + 20, 50, { humidity: 150 })));
    records.push(record(34, device('d1', 2 * MIN + 30))); // window 2 fired long ago
    records.push(
      record(33, {
        kind: 'household',
        householdId: 'h1',
        ts: new Date(0).toISOString(),
        readings: {
          globalActivePower: 1,
          globalReactivePower: 0.1,
          voltage: 230,
          globalIntensity: 4,
          subMetering1: 0,
          subMetering2: 0,
          subMetering3: 1,
        },
      }),
    );
    const { items, acked } = await run(records);
    const scores = items.flatMap((i) => i.outputs.scores);
    expect(scores.map((s) => s.windowStart)).toEqual(
      Array.from({ length: 30 }, (_, m) => new Date(m * MIN * 1000).toISOString()),
    );
    const dead = items.flatMap((i) => i.outputs.deadLetters).map((d) => d.reason);
    expect(dead.sort()).toEqual(['invalid-json', 'late', 'out-of-range', 'schema']);
    // forecaster takes 10 windows: windows 9..29 predict iaq~5/10/15
    const predictions = items.flatMap((i) => i.outputs.predictions);
    expect(predictions).toHaveLength(21 * 3);
    expect(predictions[0]?.key).toEqual({ pk: 'd1', sk: '1970-01-01T00:14:00.000Z#iaq~5' });
    // the planted spike is graded anomalous, and only windows are anomalies
    const anomalies = items.flatMap((i) => i.outputs.anomalies);
    expect(anomalies.map((a) => a.key.sk)).toContain(new Date(25 * MIN * 1000).toISOString());
    // the skipped household record is an item without outputs; nothing acked before release
    expect(items.some((i) => i.pipeline === 'front' && i.outputs.deadLetters.length === 0)).toBe(
      true,
    );
    expect(acked().isEmpty).toBe(true);
  });

  it('acks every position exactly when all items holding it are durable (look-back retention)', async () => {
    const { items, ledger, acked } = await run(deviceRecords('d1', 20));
    const windows = items.filter((i) => i.outputs.scores.length > 0);
    expect(windows).toHaveLength(20);
    // release windows 0..14: window w is acked only once w..w+9 are durable → 0..5 acked
    for (const item of windows.slice(0, 15)) ledger.release(item.holds);
    expect(acked().toString()).toBe('s:[0-5]');
    // window 15 is not durable: windows 6..15 (its look-back) stay unacked while 16..19,
    // closed when the input completed, are acked once their own holders are durable
    for (const item of windows.slice(16)) ledger.release(item.holds);
    expect(acked().toString()).toBe('s:[0-5,16-19]');
    ledger.release(windows[15]!.holds);
    expect(acked().toString()).toBe('s:[0-19]');
  });
});

describe('devices pipeline with a remote RCF endpoint', () => {
  it('scores through invokeEndpoint (same item shape, source "remote")', async () => {
    const { ledger } = acks();
    const requests: number[] = [];
    // the injected I/O of invokeEndpoint: an in-process model answering like SageMaker's RCF
    const invoke = (request: { body: string; instances: number }) => {
      requests.push(request.instances);
      const body = JSON.parse(request.body) as { instances: { features: number[] }[] };
      const scores = body.instances.map((i) => ({ score: Math.max(...i.features) / 100 }));
      return Promise.resolve({ body: JSON.stringify({ scores }) });
    };
    const items = await lastValueFrom(
      from(deviceRecords('d1', 12)).pipe(
        createDevicePipeline({ ...fastModels, remote: { invoke, maxWaitMs: 1 } }, { ledger }),
        toArray(),
      ),
    );
    const scores = items.flatMap((i) => i.outputs.scores);
    expect(scores).toHaveLength(12);
    expect(new Set(scores.map((x) => x.source))).toEqual(new Set(['remote']));
    expect(scores[0]?.score).toBeCloseTo(1013 / 100); // pressure is the largest feature
    expect(requests.reduce((a, b) => a + b, 0)).toBe(12);
  });
});

describe('households pipeline (composition)', () => {
  it('scores every window over all measures and forecasts global active power', async () => {
    const { ledger } = acks();
    const records = Array.from({ length: 15 }, (_, m) =>
      record(m, {
        kind: 'household',
        householdId: 'h1',
        ts: new Date((m * MIN + 5) * 1000).toISOString(),
        readings: {
          globalActivePower: 1 + m / 10,
          globalReactivePower: 0.1,
          voltage: 235,
          globalIntensity: 4,
          subMetering1: 0,
          subMetering2: 1,
          subMetering3: 10,
        },
      }),
    );
    const items = await lastValueFrom(
      from(records).pipe(createHouseholdPipeline(fastModels, { ledger }), toArray()),
    );
    expect(items.flatMap((i) => i.outputs.scores)).toHaveLength(15);
    const p = items.flatMap((i) => i.outputs.predictions);
    expect(p).toHaveLength(6 * 3);
    expect(p[0]?.key.sk).toMatch(/#globalActivePower~5$/);
  });
});

describe('writeResults (the single sink stage)', () => {
  const item = (ledger: AckLedger, n: number, outputs: Partial<ResultItem['outputs']>) => {
    const claim = new Claim(PositionSet.single('s', n));
    ledger.hold([claim]);
    ledger.close([claim]);
    const full = { ...NO_OUTPUTS, ...outputs };
    return { pipeline: 't', outputs: full, holds: [claim] } satisfies ResultItem;
  };
  const row = (sk: string): ResultRow => ({ key: { pk: 'd', sk }, attributes: {} });

  it('partial sink failure: an item is durable only if every output in every sink is', async () => {
    const m = memorySinks();
    m.predictions.fail = (r) =>
      r.key.sk === 'p1b' ? { code: 'ValidationException', retriable: false } : undefined;
    const { ledger, acked } = acks();
    const items = [
      item(ledger, 0, { scores: [{ id: 0 }], predictions: [row('p0a'), row('p0b')] }),
      item(ledger, 1, {
        scores: [{ id: 1 }],
        anomalies: [row('a1')],
        predictions: [row('p1a'), row('p1b')],
      }),
      item(ledger, 2, { scores: [{ id: 2 }] }),
    ];
    const reports = await lastValueFrom(
      from(items).pipe(writeResults({ sinks: m.sinks, ledger, maxWaitMs: 5 }), toArray()),
    );
    expect(acked().toString()).toBe('s:[0,2]');
    expect(reports.flatMap((r) => r.failed).map((f) => f.failures[0]?.code)).toEqual([
      'ValidationException',
    ]);
    // the score and anomaly of item 1 were written, but its position is not acknowledged
    expect(m.scores.written).toContainEqual({ id: 1 });
    expect(m.anomalies.written).toEqual([row('a1')]);
  });

  it('retriable failures are written again (whole item) and then acknowledged', async () => {
    const m = memorySinks();
    m.anomalies.fail = (_r, call) =>
      call === 1 ? { code: 'ProvisionedThroughputExceededException', retriable: true } : undefined;
    const { ledger, acked } = acks();
    const items = [item(ledger, 0, { scores: [{ id: 0 }], anomalies: [row('a0')] })];
    const [report] = await lastValueFrom(
      from(items).pipe(writeResults({ sinks: m.sinks, ledger, maxWaitMs: 5 }), toArray()),
    );
    expect(report?.attempts).toBe(2);
    expect(acked().toString()).toBe('s:[0]');
    expect(m.scores.written).toHaveLength(2); // at-least-once in the lake
  });

  it('a sink call that rejects fails all its items; persistent failures are never acked', async () => {
    const m = memorySinks();
    const { ledger, acked } = acks();
    const sinks: ResultSinks = {
      ...m.sinks,
      deadLetters: {
        write: () => Promise.reject(Object.assign(new Error('boom'), { code: 'EPIPE' })),
      },
    };
    const dead: DeadLetter = {
      kind: 'dead-letter',
      reason: 'schema',
      detail: 'x',
      raw: {},
      positions: PositionSet.single('s', 1),
    };
    const out = await writeItems(sinks, [
      item(ledger, 0, { scores: [{ id: 0 }] }),
      item(ledger, 1, { deadLetters: [dead] }),
    ]);
    expect(out.durable).toHaveLength(1);
    expect(out.failed[0]?.failures).toEqual([
      { sink: 'deadLetters', code: 'EPIPE', retriable: true },
    ]);
    expect(acked().isEmpty).toBe(true); // writeItems alone releases nothing
  });
});

describe('per-shard chains and virtual time', () => {
  it('a window fires on the idle timeout (scheduler time), not before', () => {
    const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
    scheduler.run(({ cold, expectObservable }) => {
      const { ledger } = acks();
      const r = (o: number, s: number) => record(o, device('d', s));
      // two minutes of readings, then silence; idle timeout 100 ms of scheduler time
      const input = cold<SourceRecord>('a b c d', {
        a: r(0, 1),
        b: r(1, 30),
        c: r(2, 61),
        d: r(3, 90),
      });
      const out = input.pipe(
        createDevicePipeline({ ...fastModels, idleTimeoutMs: 100 }, { ledger, scheduler }),
      );
      const starts = (i: ResultItem) => i.outputs.scores.map((s) => s.windowStart).join();
      // d (90 s) moves the watermark past window 0, but resample holds its point until the
      // next point: window 1 fires on the idle timeout (last element at 3 ms + 100 ms; spaces in
      // marbles take no time), which releases window 0's point; resample's own idle timeout
      // then emits window 1's point 100 ms later, so a quiet key's last window is scored too.
      expectObservable(out.pipe(map(starts)), '^ 300ms !').toBe('103ms x 99ms y', {
        x: new Date(0).toISOString(),
        y: new Date(60_000).toISOString(),
      });
    });
  });

  it('restarts a shard chain when the shard is redelivered from an earlier sequence number', async () => {
    const { ledger } = acks();
    const events: string[] = [];
    const chains = new ShardChains({
      pipeline: () => createDevicePipeline({ ...fastModels, retain: 4 }, { ledger }),
      ledger,
      onEvent: (e) => events.push(`${e.type}:${e.shardId}`),
    });
    const seen: string[] = [];
    const done = lastValueFrom(chains.items.pipe(toArray()));
    chains.items.subscribe((i) => seen.push(...i.outputs.scores.map((s) => String(s.windowStart))));
    const recs = deviceRecords('d', 6);
    const batch = (rs: SourceRecord[]) => ({
      shardId: 's',
      records: rs,
      positions: PositionSet.unionAll(rs.map((x) => PositionSet.single('s', x.position.ordinal))),
    });
    chains.push(batch(recs.slice(0, 4)));
    chains.push(batch(recs.slice(2, 6))); // replay from an older checkpoint
    chains.close(true);
    await done;
    expect(events).toEqual(['chain.started:s', 'chain.abandoned:s', 'chain.started:s']);
    // the first chain emitted windows 0..1 (2 held by resample, 3 open) and was dropped
    // without flushing; the new chain rebuilt 2..5 from the redelivered records
    expect(seen).toEqual([0, 1, 2, 3, 4, 5].map((m) => new Date(m * MIN * 1000).toISOString()));
  });
});

describe('runPipeline on a consumer', () => {
  it('acks only positions whose claims closed and are durable; a lost lease drops its chain', async () => {
    const batches = new Subject<ShardBatch>();
    let acked = PositionSet.empty;
    let held = ['s'];
    const consumer = {
      batches,
      ack: (p: PositionSet) => (acked = acked.union(p)),
      shutdown: () => Promise.resolve(batches.complete()),
      heldLeases: () => held,
    };
    const m = memorySinks();
    const events: string[] = [];
    const running = runPipeline({
      consumer,
      sinks: m.sinks,
      maxWaitMs: 5,
      leaseCheckMs: 10,
      pipeline: (ctx) => createPipeline([deviceSpecFast()], ctx),
      onEvent: (e) => events.push(e.type),
    });
    const recs = [record(100, '{bad'), ...deviceRecords('d', 20)];
    batches.next({
      shardId: 's',
      records: recs,
      positions: PositionSet.unionAll(recs.map((r) => PositionSet.single('s', r.position.ordinal))),
    });
    await new Promise((r) => setTimeout(r, 50));
    // windows 0..17 written (18 held by resample, 19 open); retain 10: windows 0..7 left the
    // look-back of items 10..17, so only they (and the dead letter) are acked
    expect(m.scores.written).toHaveLength(18);
    expect(acked.toString()).toBe('s:[0-7,100]');
    held = [];
    await new Promise((r) => setTimeout(r, 50));
    expect(events).toContain('chain.abandoned');
    await running.stop(100);
    await running.done;
    expect(acked.toString()).toBe('s:[0-7,100]');
  });
});

function deviceSpecFast() {
  return deviceSpec({ ...fastModels, retain: 10 });
}
