import { renderLine, renderView, rates, type Frame } from './live-view.js';
import { parseMetrics } from '../../api/index.js';
import { matchLabels, type Observation } from './observe.js';
import { verdict } from '../commands/dev.js';

const observation = (o: Partial<Observation> = {}): Observation => ({
  consumed: 0,
  itemsDurable: 0,
  itemsFailed: 0,
  workersUp: 2,
  shards: [],
  anomalies: [],
  anomalyCount: 0,
  matched: 0,
  forecasts: [],
  ...o,
});
const frame = (elapsedMs: number, produced: number, o: Partial<Observation> = {}): Frame => ({
  elapsedMs,
  produced,
  failed: 0,
  speed: 300,
  injected: 1,
  observation: observation(o),
});

describe('dev live view', () => {
  it('computes records/s in and out between frames', () => {
    expect(
      rates(frame(1_000, 100, { consumed: 50 }), frame(3_000, 300, { consumed: 250 })),
    ).toEqual({ in: 100, out: 100 });
    expect(rates(undefined, frame(1_000, 100))).toEqual({ in: 0, out: 0 });
  });

  it('shows lease owners, lag, anomalies and forecasts against actuals', () => {
    const f = frame(5_000, 500, {
      consumed: 480,
      shards: [
        {
          shardId: 'shardId-000000000000',
          owner: 'dev-worker-1',
          checkpoint: '4960000000000123456789',
          millisBehind: 0,
          unacked: 12,
        },
        { shardId: 'shardId-000000000001', owner: 'dev-worker-2', checkpoint: 'TRIM_HORIZON' },
      ],
      anomalies: [{ key: 'DEV1', windowStart: '2026-11-23T01:00:00.000Z', grade: 0.5, score: 2 }],
      anomalyCount: 1,
      matched: 1,
      forecasts: [
        {
          key: 'h-0001',
          target: '2006-12-21T01:00:00.000Z',
          minutesAhead: 5,
          predicted: 1.25,
          actual: 1.5,
          model: 'moving-average-15',
          weight: 0.72,
        },
        // a row written before the weight was recorded: the model alone
        {
          key: 'h-0001',
          target: '2006-12-21T01:05:00.000Z',
          minutesAhead: 10,
          predicted: 1,
          model: 'last-value',
        },
      ],
    });
    const text = renderView(undefined, f).join('\n');
    expect(text).toMatch(/shardId-000000000000\s+dev-worker-1\s+0\s+12\s+…456789/);
    expect(text).toMatch(/shardId-000000000001\s+dev-worker-2\s+-\s+-\s+TRIM_HORIZON/);
    expect(text).toContain('found 1   injected by the simulator 1, of which found 1');
    expect(text).toMatch(/DEV1\s+2026-11-23T01:00:00.000Z\s+grade 0.50/);
    expect(text).toMatch(
      /h-0001\s+2006-12-21T01:00:00.000Z\s+5m\s+1.25\s+1.50\s+moving-average-15 \(72 %\)/,
    );
    expect(text).toMatch(/2006-12-21T01:05:00.000Z\s+10m\s+1.00\s+-\s+last-value$/m);
    expect(renderLine(undefined, f)).toBe(
      '5s in 0/s out 0/s produced 500 consumed 480 results 0 anomalies 1 leases 000:dev-worker-1/0ms 001:dev-worker-2/-ms',
    );
  });
});

describe('dev observation', () => {
  it('parses Prometheus text, labels included', () => {
    const s = parseMetrics(
      '# HELP x\nshardflow_consumer_records_total{shard="shardId-000000000001"} 42\nup 1\n',
    );
    expect(s.get('shardflow_consumer_records_total{shard="shardId-000000000001"}')).toBe(42);
    expect(s.get('up')).toBe(1);
  });

  it('matches injected anomalies with found ones of the same device and time', () => {
    const labels = [
      { deviceId: 'A', start: '2026-11-23T01:00:30.000Z', end: '2026-11-23T01:03:00.000Z' },
      { deviceId: 'B', start: '2026-11-23T02:00:00.000Z', end: '2026-11-23T02:00:00.000Z' },
    ];
    expect(matchLabels(labels, [{ key: 'A', windowStart: '2026-11-23T01:00:00.000Z' }])).toBe(1);
    expect(matchLabels(labels, [{ key: 'A', windowStart: '2026-11-23T03:00:00.000Z' }])).toBe(0);
    expect(matchLabels(labels, [{ key: 'C', windowStart: '2026-11-23T02:00:00.000Z' }])).toBe(0);
  });
});

describe('dev verdict', () => {
  const ok = {
    seconds: 10,
    produced: 100,
    failedPuts: 0,
    consumed: 104,
    itemsDurable: 90,
    itemsFailed: 0,
    anomalies: 0,
    injected: 0,
    workersClean: true,
  };
  it('passes only when everything produced was consumed and written and workers drained', () => {
    expect(verdict(ok)).toBe(true);
    expect(verdict({ ...ok, consumed: 99 })).toBe(false);
    expect(verdict({ ...ok, failedPuts: 1 })).toBe(false);
    expect(verdict({ ...ok, itemsFailed: 1 })).toBe(false);
    expect(verdict({ ...ok, workersClean: false })).toBe(false);
    expect(verdict({ ...ok, produced: 0, consumed: 0 })).toBe(false);
  });
});
