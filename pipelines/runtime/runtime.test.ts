/**
 * Unit tests of the pipeline runtime: the devices and households compositions on keyed
 * state, the single sink stage (partial failures, retries until the sink returns), and the
 * idle timeout on virtual time. Commits, snapshots and restore are in `shard-runner.test.ts`.
 * No AWS: sinks are in-memory `Sink`s.
 */
import { from, lastValueFrom, map, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { PositionSet, type DeadLetter, type SourceRecord, type Traced } from '../../core/index.js';
import { movingAverage } from '../../models/index.js';
import { device, record } from '../../operators/testing/fixtures.js';
import type { Sink, SinkFailure, SinkResult } from '../../sinks/index.js';
import { createDevicePipeline, deviceSpec } from '../devices/index.js';
import { createHouseholdPipeline } from '../households/index.js';
import { KeyedStateBackend } from '../state/index.js';
import {
  createPipeline,
  NO_OUTPUTS,
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

const MIN = 60;
const state = () => ({ state: new KeyedStateBackend() });
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

describe('devices pipeline (composition)', () => {
  const run = async (records: SourceRecord[]) => {
    const items = await lastValueFrom(
      from(records).pipe(createDevicePipeline({ ...fastModels, retain: 10 }, state()), toArray()),
    );
    return { items };
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
    const { items } = await run(records);
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
    // each row names the forecaster that made it: the default selection forecasts by
    // persistence until 60 actuals per horizon are scored (30 windows here)
    expect(new Set(predictions.map((p) => p.attributes.model))).toEqual(new Set(['last-value']));
    expect(new Set(predictions.map((p) => p.attributes.weight))).toEqual(new Set([1]));
    // the planted spike is graded anomalous, and only windows are anomalies
    const anomalies = items.flatMap((i) => i.outputs.anomalies);
    expect(anomalies.map((a) => a.key.sk)).toContain(new Date(25 * MIN * 1000).toISOString());
    // the household record (no household chain here) yields no item; the next commit covers it
    expect(
      items.filter((i) => i.pipeline === 'front' && i.outputs.deadLetters.length === 0),
    ).toEqual([]);
  });
});

describe('devices pipeline with a remote RCF endpoint', () => {
  it('scores through invokeEndpoint (same item shape, source "remote")', async () => {
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
        createDevicePipeline({ ...fastModels, remote: { invoke, maxWaitMs: 1 } }, state()),
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
      from(records).pipe(createHouseholdPipeline(fastModels, state()), toArray()),
    );
    expect(items.flatMap((i) => i.outputs.scores)).toHaveLength(15);
    const p = items.flatMap((i) => i.outputs.predictions);
    expect(p).toHaveLength(6 * 3);
    expect(p[0]?.key.sk).toMatch(/#globalActivePower~5$/);
  });
});

describe('writeResults (the single sink stage)', () => {
  const item = (n: number, outputs: Partial<ResultItem['outputs']>): ResultItem => ({
    pipeline: `t${n}`,
    outputs: { ...NO_OUTPUTS, ...outputs },
  });
  const row = (sk: string): ResultRow => ({ key: { pk: 'd', sk }, attributes: {} });
  const fast = { initialDelayMs: 1, maxDelayMs: 2 };

  it('partial sink failure: an item is durable only if every output in every sink is; it is retried while its session lives', async () => {
    const m = memorySinks();
    m.predictions.fail = (r) =>
      r.key.sk === 'p1b' ? { code: 'ValidationException', retriable: false } : undefined;
    const items = [
      item(0, { scores: [{ id: 0 }], predictions: [row('p0a'), row('p0b')] }),
      item(1, {
        scores: [{ id: 1 }],
        anomalies: [row('a1')],
        predictions: [row('p1a'), row('p1b')],
      }),
      item(2, { scores: [{ id: 2 }] }),
    ];
    const durable: string[] = [];
    let alive = true;
    const reports = await lastValueFrom(
      from(items).pipe(
        writeResults({
          sinks: m.sinks,
          maxWaitMs: 5,
          backoff: fast,
          onDurable: (d) => durable.push(...d.map((i) => i.pipeline)),
          // the session of item 1 ends after its 4th failed attempt (lease lost)
          isAlive: (i) => i.pipeline !== 't1' || (alive = m.predictions.calls < 4),
        }),
        toArray(),
      ),
    );
    expect(alive).toBe(false);
    expect(durable).toEqual(['t0', 't2']);
    expect(reports[0]?.attempts).toBe(4);
    expect(reports.flatMap((r) => r.failed).map((f) => f.failures[0]?.code)).toEqual([
      'ValidationException',
    ]);
    // the score and anomaly of item 1 were written (again and again), yet it is not durable
    expect(m.scores.written.filter((x) => x.id === 1)).toHaveLength(4);
    expect(m.anomalies.written).toContainEqual(row('a1'));
  });

  it('a sink that is down is retried with back-off until it returns; the status goes failing → recovered', async () => {
    const m = memorySinks();
    m.anomalies.fail = (_r, call) =>
      call <= 5 ? { code: 'ServiceUnavailable', retriable: true } : undefined;
    const durable: string[] = [];
    const status: (number | undefined)[] = [];
    const [report] = await lastValueFrom(
      from([item(0, { scores: [{ id: 0 }], anomalies: [row('a0')] })]).pipe(
        writeResults({
          sinks: m.sinks,
          maxWaitMs: 5,
          backoff: fast,
          onDurable: (d) => durable.push(...d.map((i) => i.pipeline)),
          onStatus: (since) => status.push(since),
        }),
        toArray(),
      ),
    );
    expect(report?.attempts).toBe(6);
    expect(durable).toEqual(['t0']);
    expect(status).toHaveLength(2);
    expect(typeof status[0]).toBe('number');
    expect(status[1]).toBeUndefined();
    expect(m.scores.written).toHaveLength(6); // at-least-once in the lake
  });

  it('a sink call that rejects fails all its items', async () => {
    const m = memorySinks();
    const sinks: ResultSinks = {
      ...m.sinks,
      predictions: { write: () => Promise.reject(new Error('down')) },
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
      item(0, { scores: [{ id: 0 }] }),
      item(1, { deadLetters: [dead] }),
      item(2, { scores: [{ id: 2 }], predictions: [row('p2')] }),
    ]);
    expect(out.durable.map((i) => i.pipeline)).toEqual(['t0']);
    expect(out.failed.map((f) => [f.item.pipeline, f.failures])).toEqual([
      ['t1', [{ sink: 'deadLetters', code: 'EPIPE', retriable: true }]],
      ['t2', [{ sink: 'predictions', code: 'Error', retriable: true }]],
    ]);
  });
});

describe('virtual time', () => {
  it('a window fires on the idle timeout (scheduler time), not before', () => {
    const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
    scheduler.run(({ cold, expectObservable }) => {
      const r = (o: number, s: number) => record(o, device('d', s));
      // two minutes of readings, then silence; idle timeout 100 ms of scheduler time
      const input = cold<SourceRecord>('a b c d', {
        a: r(0, 1),
        b: r(1, 30),
        c: r(2, 61),
        d: r(3, 90),
      });
      // readings of 1970 on a virtual clock at 0: no future-timestamp bound in this test
      const spec = {
        ...deviceSpec({ ...fastModels, idleTimeoutMs: 100 }),
        maxFutureSkewMs: Infinity,
      };
      const out = input.pipe(createPipeline([spec], { state: new KeyedStateBackend(), scheduler }));
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
});
