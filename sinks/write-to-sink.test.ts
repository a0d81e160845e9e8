import { Subject, VirtualTimeScheduler } from 'rxjs';
import { Registry } from 'prom-client';
import { PositionSet, traced, type Traced } from '../core/index.js';
import { sinkResult, type Sink, type SinkResult } from './sink.js';
import { sinkMetrics } from './sink-metrics.js';
import { writeInBatches } from './write-to-sink.js';

/** An in-memory sink (our own interface, not an SDK) whose writes finish when told. */
function recordingSink() {
  const batches: number[][] = [];
  const pending: (() => void)[] = [];
  const sink: Sink<number> = {
    write(items) {
      batches.push(items.map((i) => i.value));
      return new Promise<SinkResult<number>>((resolve) =>
        pending.push(() => resolve(sinkResult(items, []))),
      );
    },
  };
  return { sink, batches, pending };
}
const item = (n: number): Traced<number> => traced(n, PositionSet.single('s', n));
const settle = () => new Promise((r) => setImmediate(r));

describe('writeInBatches', () => {
  it('batches by count, writes one batch at a time in order, and flushes the rest on completion', async () => {
    const scheduler = new VirtualTimeScheduler();
    const { sink, batches, pending } = recordingSink();
    const input = new Subject<Traced<number>>();
    const results: SinkResult<number>[] = [];
    let completed = false;
    input
      .pipe(writeInBatches({ maxItems: 2, maxWaitMs: 1_000, scheduler }, (b) => sink.write(b)))
      .subscribe({
        next: (r) => results.push(r),
        complete: () => (completed = true),
      });
    [0, 1, 2, 3, 4].forEach((n) => input.next(item(n)));
    input.complete();
    await settle();
    expect(batches).toEqual([[0, 1]]); // the second write waits for the first
    pending.shift()!();
    await settle();
    expect(batches).toEqual([
      [0, 1],
      [2, 3],
    ]);
    pending.shift()!();
    await settle();
    pending.shift()!();
    await settle();
    expect(batches).toEqual([[0, 1], [2, 3], [4]]);
    expect(results.map((r) => r.durable.toJSON())).toEqual([
      { s: [[0, 1]] },
      { s: [[2, 3]] },
      { s: [[4, 4]] },
    ]);
    expect(completed).toBe(true);
  });

  it('writes a partial batch once maxWaitMs passed on the scheduler, not before', async () => {
    const scheduler = new VirtualTimeScheduler(undefined, 999);
    const { sink, batches } = recordingSink();
    const input = new Subject<Traced<number>>();
    const sub = input
      .pipe(writeInBatches({ maxItems: 100, maxWaitMs: 1_000, scheduler }, (b) => sink.write(b)))
      .subscribe();
    input.next(item(7));
    scheduler.flush();
    await settle();
    expect(batches).toEqual([]);
    scheduler.maxFrames = 1_000;
    scheduler.flush();
    await settle();
    expect(batches).toEqual([[7]]);
    sub.unsubscribe();
  });

  it('rejects invalid options up front', () => {
    const { sink } = recordingSink();
    const write = (b: Traced<number>[]) => sink.write(b);
    expect(() => writeInBatches({ maxItems: 0 }, write)).toThrow(/maxItems/);
    expect(() => writeInBatches({ maxWaitMs: 0 }, write)).toThrow(/maxWaitMs/);
  });
});

describe('sinkMetrics', () => {
  it('counts written items, retries by reason and failures by code, per sink', async () => {
    const registry = new Registry();
    const onEvent = sinkMetrics(registry);
    onEvent({ type: 'sink.written', sink: 'lake', items: 25 });
    onEvent({ type: 'sink.written', sink: 'lake', items: 5 });
    onEvent({
      type: 'sink.retry',
      sink: 'lake',
      attempt: 0,
      delayMs: 10,
      reason: 'ServiceUnavailableException',
    });
    onEvent({ type: 'sink.failed', sink: 'rows', code: 'ITEM_TOO_LARGE' });
    const text = await registry.metrics();
    expect(text).toContain('shardflow_sink_items_written_total{sink="lake"} 30');
    expect(text).toContain(
      'shardflow_sink_retries_total{sink="lake",reason="ServiceUnavailableException"} 1',
    );
    expect(text).toContain(
      'shardflow_sink_items_failed_total{sink="rows",code="ITEM_TOO_LARGE"} 1',
    );
  });
});
