import { Subject, firstValueFrom, from, lastValueFrom, toArray } from 'rxjs';
import { toShardflowError } from '../../adapters/index.js';
import { PositionSet, type DeadLetter, type Traced } from '../../core/lineage/index.js';
import { isDeadLetter, type Flow } from '../flow/index.js';
import { lastValue } from '../../models/forecast/index.js';
import {
  CircuitBreaker,
  decodeRcf,
  forecast,
  invokeEndpoint,
  scoreAnomalies,
  type AnomalyScore,
  type InferenceEvent,
  type InferenceRequest,
  type Inferred,
  type Invoke,
} from './index.js';

const flows = <T>(values: T[]): Flow<T>[] =>
  values.map((value, i) => ({ value, positions: PositionSet.single('shard-0', i) }));
const run = <T>(
  values: T[],
  op: (s: ReturnType<typeof from<Flow<T>[]>>) => import('rxjs').Observable<unknown>,
) => lastValueFrom(op(from(flows(values))).pipe(toArray()));
const allPositions = (out: unknown[]) =>
  PositionSet.unionAll(out.map((o) => (o as { positions: PositionSet }).positions));

/** An endpoint that doubles numbers, recording requests. */
function doubler(requests: InferenceRequest[] = []): Invoke {
  return async (request) => {
    requests.push(request);
    const { instances } = JSON.parse(request.body) as { instances: number[] };
    return { body: JSON.stringify({ results: instances.map((v) => v * 2) }) };
  };
}
const decodeResults = (r: { body: string }) =>
  (JSON.parse(r.body) as { results: number[] }).results;
/** What `sageMakerInvoke` throws for an SDK error: the edge's classified core error. */
const sdkError = (name: string, status: number, extra: object = {}) =>
  toShardflowError(
    Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status }, ...extra }),
  );

describe('invokeEndpoint', () => {
  it('batches by count and answers every input once with its own position', async () => {
    const requests: InferenceRequest[] = [];
    const out = (await run([1, 2, 3, 4, 5, 6, 7], (s) =>
      s.pipe(invokeEndpoint({ invoke: doubler(requests), decode: decodeResults, maxBatchSize: 3 })),
    )) as Traced<Inferred<number, number>>[];
    expect(requests.map((r) => r.instances)).toEqual([3, 3, 1]);
    expect(out.map((o) => [o.value.input, o.value.result, o.value.source])).toEqual(
      [1, 2, 3, 4, 5, 6, 7].map((v) => [v, 2 * v, 'remote']),
    );
    out.forEach((o, i) => expect(o.positions.equals(PositionSet.single('shard-0', i))).toBe(true));
  });

  it('batches by bytes and dead-letters an instance larger than the payload limit', async () => {
    const requests: InferenceRequest[] = [];
    const values = ['aaaa', 'bbbb', 'cccc', 'x'.repeat(200)];
    const out = (await run(values, (s) =>
      s.pipe(
        invokeEndpoint<string, string>({
          invoke: async (r) => {
            requests.push(r);
            return { body: r.body };
          },
          decode: (r, n) => (JSON.parse(r.body) as { instances: string[] }).instances.slice(0, n),
          maxBatchBytes: 30,
        }),
      ),
    )) as Flow<Inferred<string, string>>[];
    expect(requests.every((r) => r.body.length <= 30)).toBe(true);
    expect(requests.map((r) => r.instances)).toEqual([2, 1]);
    const dead = out.filter(isDeadLetter);
    expect(dead).toHaveLength(1);
    expect(dead[0]?.reason).toBe('unscorable');
    expect(dead[0]?.detail).toMatch(/exceeds the 30-byte payload limit/);
    expect(allPositions(out).equals(PositionSet.range('shard-0', 0, 3))).toBe(true);
  });

  it('sends a partial batch after maxWaitMs while the source stays open', async () => {
    const requests: InferenceRequest[] = [];
    const input = new Subject<Flow<number>>();
    const first = firstValueFrom(
      input.pipe(
        invokeEndpoint({
          invoke: doubler(requests),
          decode: decodeResults,
          maxBatchSize: 10,
          maxWaitMs: 5,
        }),
      ),
    );
    input.next({ value: 4, positions: PositionSet.single('s', 0) });
    input.next({ value: 5, positions: PositionSet.single('s', 1) });
    const result = (await first) as Traced<Inferred<number, number>>;
    expect(result.value.result).toBe(8);
    expect(requests.map((r) => r.instances)).toEqual([2]);
    input.complete();
  });

  it('retries throttling and 5xx with back-off, then succeeds', async () => {
    let calls = 0;
    const events: InferenceEvent[] = [];
    const inner = doubler();
    const out = (await run([1, 2], (s) =>
      s.pipe(
        invokeEndpoint({
          invoke: async (r, signal) => {
            calls += 1;
            if (calls === 1) throw sdkError('ThrottlingException', 400);
            if (calls === 2) throw sdkError('ModelError', 424, { OriginalStatusCode: 503 });
            return inner(r, signal);
          },
          decode: decodeResults,
          retry: { retries: 3, initialDelayMs: 1 },
          onEvent: (e) => events.push(e),
        }),
      ),
    )) as Traced<Inferred<number, number>>[];
    expect(calls).toBe(3);
    expect(out.map((o) => o.value.result)).toEqual([2, 4]);
    expect(events.filter((e) => e.type === 'inference.retry')).toHaveLength(2);
  });

  it('does not retry a 4xx and dead-letters the batch with the reason', async () => {
    let calls = 0;
    const out = (await run([1, 2], (s) =>
      s.pipe(
        invokeEndpoint({
          invoke: async () => {
            calls += 1;
            throw sdkError('ModelError', 424, { OriginalStatusCode: 400 });
          },
          decode: decodeResults,
          retry: { initialDelayMs: 1 },
        }),
      ),
    )) as DeadLetter[];
    expect(calls).toBe(1);
    expect(out.every(isDeadLetter)).toBe(true);
    expect(out[0]?.detail).toMatch(/ModelError.*HTTP 424/);
    expect(allPositions(out).equals(PositionSet.range('shard-0', 0, 1))).toBe(true);
  });

  it('times out a hanging request, aborts it, and falls back after the retries', async () => {
    const signals: AbortSignal[] = [];
    const out = (await run([3], (s) =>
      s.pipe(
        invokeEndpoint({
          invoke: (_r, signal) => {
            signals.push(signal);
            return new Promise(() => undefined);
          },
          decode: decodeResults,
          timeoutMs: 10,
          retry: { retries: 1, initialDelayMs: 1 },
          fallback: (values) => values.map((v) => -v),
        }),
      ),
    )) as Traced<Inferred<number, number>>[];
    expect(signals).toHaveLength(2);
    expect(signals.every((s) => s.aborted)).toBe(true);
    expect(out.map((o) => [o.value.result, o.value.source])).toEqual([[-3, 'fallback']]);
  });

  it('opens the breaker after repeated failures and stops calling the endpoint', async () => {
    let calls = 0;
    const events: InferenceEvent[] = [];
    const out = (await run([1, 2, 3, 4, 5, 6], (s) =>
      s.pipe(
        invokeEndpoint({
          invoke: async () => {
            calls += 1;
            throw sdkError('ServiceUnavailable', 503);
          },
          decode: decodeResults,
          maxBatchSize: 1,
          concurrency: 1,
          retry: { retries: 0 },
          breaker: { failureThreshold: 2, resetAfterMs: 60_000 },
          onEvent: (e) => events.push(e),
        }),
      ),
    )) as DeadLetter[];
    expect(calls).toBe(2);
    expect(out).toHaveLength(6);
    expect(out.slice(2).every((d) => /CIRCUIT_OPEN|circuit breaker open/.test(d.detail))).toBe(
      true,
    );
    expect(events).toContainEqual({ type: 'inference.breaker', state: 'open' });
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const inner = doubler();
    await run(
      Array.from({ length: 12 }, (_, i) => i),
      (s) =>
        s.pipe(
          invokeEndpoint({
            invoke: async (r, signal) => {
              inFlight += 1;
              peak = Math.max(peak, inFlight);
              await new Promise((res) => setTimeout(res, 3));
              inFlight -= 1;
              return inner(r, signal);
            },
            decode: decodeResults,
            maxBatchSize: 1,
            concurrency: 2,
          }),
        ),
    );
    expect(peak).toBe(2);
  });
});

describe('CircuitBreaker', () => {
  it('goes closed → open → half-open → closed on an injected clock', () => {
    let now = 0;
    const b = new CircuitBreaker(() => now, { failureThreshold: 2, resetAfterMs: 100 });
    b.onFailure();
    expect(b.state).toBe('closed');
    b.onFailure();
    expect(b.tryAcquire()).toBe(false);
    now = 99;
    expect(b.state).toBe('open');
    now = 100;
    expect(b.tryAcquire()).toBe(true);
    expect(b.tryAcquire()).toBe(false); // one trial at a time
    b.onFailure();
    expect(b.state).toBe('open');
    now = 250;
    expect(b.tryAcquire()).toBe(true);
    b.onSuccess();
    expect(b.state).toBe('closed');
  });
});

describe('scoreAnomalies', () => {
  const readings = (n: number, spikeAt: number) =>
    Array.from({ length: n }, (_, i) => ({
      device: i % 2 === 0 ? 'a' : 'b',
      co2: (i % 2 === 0 ? 600 : 900) + 5 * Math.sin(i / 3) + (i === spikeAt ? 400 : 0),
      t: 21 + 0.1 * Math.cos(i / 5),
    }));
  type R = ReturnType<typeof readings>[number];

  it('scores per key in process with grade, threshold, attribution and explanation', async () => {
    const out = (await run(readings(801, 800), (s) =>
      s.pipe(
        scoreAnomalies<R>({
          key: (r) => r.device,
          features: (r) => [r.co2, r.t],
          forest: { dimensions: 2, numberOfTrees: 30, sampleSize: 64, seed: 2 },
          columns: ['co2', 'temperature'],
        }),
      ),
    )) as Traced<AnomalyScore<R>>[];
    expect(out).toHaveLength(801);
    const spike = out[800]?.value as AnomalyScore<R>;
    expect(spike.key).toBe('a');
    expect(spike.grade).toBeGreaterThan(0.5);
    expect(spike.explanation?.co2?.DIRECTION).toBe('HIGH');
    expect(spike.score).toBeGreaterThan(spike.threshold);
    // per key: device b's forest never saw device a's level, yet b's points are not anomalous late on
    const lateB = out.slice(600, 800).filter((o) => o.value.key === 'b');
    expect(lateB.every((o) => o.value.grade === 0)).toBe(true);
    expect(allPositions(out).equals(PositionSet.range('shard-0', 0, 800))).toBe(true);
  });

  it('scores remotely with the same output shape and falls back to the warm embedded forest', async () => {
    let fail = false;
    const invoke: Invoke = async (r) => {
      if (fail) throw sdkError('ServiceUnavailable', 503);
      const { instances } = JSON.parse(r.body) as { instances: { features: number[] }[] };
      return {
        body: JSON.stringify({
          scores: instances.map((i) => ({ score: i.features[0] === 1000 ? 5 : 1 })),
        }),
      };
    };
    const input = readings(300, -1).map((r, i) => (i === 250 ? { ...r, co2: 1000 } : r));
    const out = (await run(input, (s) =>
      s.pipe(
        scoreAnomalies<R>({
          key: (r) => r.device,
          features: (r) => [r.co2, r.t],
          forest: { dimensions: 2, numberOfTrees: 10, sampleSize: 32, seed: 2 },
          remote: { invoke, retry: { retries: 0 }, maxBatchSize: 50, concurrency: 1 },
        }),
      ),
    )) as Traced<AnomalyScore<R>>[];
    expect(out.map((o) => o.value.source).every((s) => s === 'remote')).toBe(true);
    const spike = out.find((o) => o.value.input.co2 === 1000)?.value;
    expect(spike).toMatchObject({ score: 5, attribution: null });
    expect(spike?.grade).toBeGreaterThan(0);
    fail = true;
    const fallback = (await run(input.slice(0, 40), (s) =>
      s.pipe(
        scoreAnomalies<R>({
          key: (r) => r.device,
          features: (r) => [r.co2, r.t],
          forest: { dimensions: 2, numberOfTrees: 10, sampleSize: 32, seed: 2 },
          remote: { invoke, retry: { retries: 0 } },
        }),
      ),
    )) as Traced<AnomalyScore<R>>[];
    expect(
      fallback.every((o) => o.value.source === 'fallback' && o.value.attribution !== null),
    ).toBe(true);
    expect(decodeRcf({ body: '{"scores":[{"score":2}]}' }, 1)).toEqual([2]);
  });
});

describe('forecast', () => {
  it('names predictions measure~minutesAhead and dead-letters a short window', async () => {
    const out = (await run([{ w: new Array(60).fill(7) }, { w: [1, 2] }], (s) =>
      s.pipe(
        forecast<{ w: number[] }>({
          window: (v) => v.w,
          measure: () => 'co2',
          stepMinutes: 2,
          forecaster: lastValue(),
        }),
      ),
    )) as Flow<{ predictions: Record<string, number>; source: string }>[];
    const first = out[0] as Traced<{ predictions: Record<string, number> }>;
    expect(Object.keys(first.value.predictions)).toEqual(
      Array.from({ length: 15 }, (_, h) => `co2~${2 * (h + 1)}`),
    );
    expect(first.value.predictions['co2~30']).toBe(7);
    expect(isDeadLetter(out[1] as Flow<unknown>)).toBe(true);
  });
});
