/**
 * `shardflow mqtt bridge` and `shardflow mqtt devices` as processes against the local cloud:
 * the simulated devices publish over MQTT, the bridge puts every reading into the stream
 * keyed by device, and both report what they did.
 */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createStream, readAll } from '../../producers/testing/stream-reader.js';
import { testClients, testConfig, uniqueName, waitFor } from '../../test/helpers.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const config = testConfig();
const clients = testClients(config);
afterAll(() => clients.destroy());

it('mqtt devices → mqtt bridge → the stream, one record per reading keyed by device', async () => {
  const stream = uniqueName('mqtt-cli');
  const prefix = `${uniqueName('site')}/readings`;
  await createStream(clients.kinesis, stream, 2);
  const bridge = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'cli/cli.ts',
      'mqtt',
      'bridge',
      '--stream',
      stream,
      '--topic',
      `${prefix}/+`,
      '--client-id',
      uniqueName('bridge'),
      '--duration',
      '30',
    ],
    { cwd: root, env: process.env, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let err = '';
  bridge.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((r) => bridge.on('exit', (code) => r(code)));
  await waitFor(() => err.includes('bridging'), {
    timeoutMs: 20_000,
    what: 'the bridge subscribed',
  });
  const devices = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      'cli/cli.ts',
      'mqtt',
      'devices',
      '--prefix',
      prefix,
      '--devices',
      '3',
      '--steps',
      '4',
    ],
    { cwd: root, env: process.env, encoding: 'utf8', timeout: 30_000 },
  );
  expect(devices.status).toBe(0);
  expect(devices.stderr).toContain('done: 12 readings published and acknowledged');
  await waitFor(() => err.includes('put 12,'), { what: 'the bridge put all 12' });
  bridge.kill('SIGTERM'); // stops like Ctrl-C: closes the bridge, drains the producer
  expect(await exited).toBe(0);
  expect(err).toContain('done: put 12, dead letters 0, unacknowledged failures 0');
  const records = await readAll(clients.kinesis, stream);
  expect(records).toHaveLength(12);
  for (const r of records) {
    const reading = JSON.parse(Buffer.from(r.data).toString()) as { deviceId: string };
    expect(r.partitionKey).toBe(reading.deviceId);
  }
}, 60_000);
