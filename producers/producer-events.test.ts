import { Registry } from 'prom-client';
import { producerMetrics } from './producer-events.js';

describe('producerMetrics', () => {
  it('turns producer events into the shardflow_producer_* metrics', async () => {
    const registry = new Registry();
    const listen = producerMetrics(registry);
    listen({
      type: 'producer.call',
      api: 'PutRecords',
      entries: 3,
      records: 120,
      bytes: 4_000,
      failedEntries: 1,
      durationMs: 12,
    });
    listen({ type: 'producer.delivered', shardId: 's0', latencyMs: 40 });
    listen({ type: 'producer.delivered', shardId: 's0', latencyMs: 60 });
    listen({
      type: 'producer.retry',
      shardId: 's1',
      code: 'ProvisionedThroughputExceededException',
      attempt: 1,
      delayMs: 50,
    });
    listen({ type: 'producer.throttled', shardId: 's1' });
    listen({ type: 'producer.failed', reason: 'TTL_EXPIRED', code: 'InternalFailure' });
    const text = await registry.metrics();
    expect(text).toContain('shardflow_producer_records_put_total 2');
    expect(text).toContain('shardflow_producer_bytes_total 4000');
    expect(text).toContain('shardflow_producer_throttles_total{shard="s1"} 1');
    expect(text).toContain('shardflow_producer_records_failed_total{reason="TTL_EXPIRED"} 1');
    expect(text).toContain('shardflow_producer_calls_total{api="PutRecords",outcome="partial"} 1');
    expect(text).toContain('shardflow_producer_batch_records_sum 120');
    expect(text).toContain('shardflow_producer_latency_seconds_count 2');
  });
});
