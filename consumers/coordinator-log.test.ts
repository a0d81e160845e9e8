import { Writable } from 'node:stream';
import { pino } from 'pino';
import { logCoordinatorEvent } from './coordinator-log.js';
import type { CoordinatorEvent } from './lease-coordinator-types.js';

/** Logs `event` as the consume commands do, into JSON lines it returns. */
function logged(event: CoordinatorEvent): Record<string, unknown>[] {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const logger = pino({ level: 'debug' }, sink);
  logCoordinatorEvent(logger, event);
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('coordinator events in a worker log', () => {
  it('logs a failed cycle as a warning with its error’s name and message (not `{}`)', () => {
    const error = Object.assign(new Error('Rate of requests exceeds the allowed throughput'), {
      name: 'ProvisionedThroughputExceededException',
    });
    const [line] = logged({ type: 'cycle.failed', error });
    expect(line).toMatchObject({
      level: 40,
      msg: 'cycle.failed',
      err: {
        name: 'ProvisionedThroughputExceededException',
        message: 'Rate of requests exceeds the allowed throughput',
      },
    });
    expect(String((line?.err as { stack?: string }).stack)).toContain('coordinator-log.test');
  });

  it('keeps lease moves at info with the event’s own fields', () => {
    const [line] = logged({ type: 'lease.taken', leaseKey: 'shardId-000000000001' });
    expect(line).toMatchObject({ level: 30, msg: 'lease.taken', leaseKey: 'shardId-000000000001' });
  });
});
