import { createAwsClients } from '../adapters/index.js';
import { ConfigError, loadConfig } from '../core/index.js';
import { Shardflow } from './shardflow.js';

const env = { AWS_REGION: 'eu-west-1', SHARDFLOW_APP: 'from-env' };

describe('Shardflow, the entry point', () => {
  it('reads the environment and lets overrides win, validated', () => {
    expect(new Shardflow({}, { env }).config.streamName).toBe('from-env-readings');
    const flow = new Shardflow({ app: 'demo', streamName: 'mine' }, { env });
    expect(flow.config).toMatchObject({ app: 'demo', streamName: 'mine', region: 'eu-west-1' });
    expect(() => new Shardflow({ shardCount: 0 }, { env })).toThrow(ConfigError);
  });

  it('takes a validated configuration as it is', () => {
    const config = loadConfig(env, { app: 'given' });
    expect(new Shardflow(config).config).toBe(config);
  });

  it('creates its clients once, on first use, and destroys only its own', () => {
    const config = loadConfig(env);
    const own = new Shardflow(config);
    expect(own.aws).toBe(own.aws);
    own.close();
    const shared = createAwsClients(config);
    let destroyed = 0;
    const clients = { ...shared, destroy: () => void (destroyed += 1) };
    const borrowing = new Shardflow(config, { clients });
    expect(borrowing.aws).toBe(clients);
    borrowing.close();
    expect(destroyed).toBe(0);
    shared.destroy();
  });

  it('builds a producer for the configured stream and refuses bad producer options', async () => {
    const flow = new Shardflow({}, { env });
    const producer = flow.producer();
    expect(producer.stats().buffered).toBe(0);
    await producer.close();
    expect(() => flow.producer({ maxInFlightCalls: 0 })).toThrow(ConfigError);
    flow.close();
  });
});
