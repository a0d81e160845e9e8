import type { ConsumerEvent } from './consume-types.js';
import { WorkerHealth } from './worker-http.js';

const syncFailed = { type: 'sync.failed', error: new Error('x') } as ConsumerEvent;
const cycleFailed = {
  type: 'coordinator',
  event: { type: 'cycle.failed' },
} as unknown as ConsumerEvent;
const delivered = { type: 'shard.delivered' } as unknown as ConsumerEvent;

describe('WorkerHealth', () => {
  it('turns unhealthy after 3 consecutive sync or coordinator failures, healthy again on progress', () => {
    const health = new WorkerHealth();
    health.onEvent(syncFailed);
    health.onEvent(cycleFailed);
    expect(health.healthy).toBe(true);
    health.onEvent(syncFailed);
    expect(health.healthy).toBe(false);
    health.onEvent(delivered);
    expect(health.healthy).toBe(true);
  });

  it('is unhealthy once stopping', () => {
    const health = new WorkerHealth();
    health.stopping();
    expect(health.isStopping).toBe(true);
    expect(health.healthy).toBe(false);
  });
});
