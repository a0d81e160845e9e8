/**
 * @module localstack/mqtt-broker-main
 * The process the local cloud runs as its MQTT broker: an aedes broker (MQTT 3.1.1, QoS 0/1/2,
 * persistent sessions in memory) on a TCP port of the loopback interface. It stands in for
 * AWS IoT Core's message broker. Usage: `mqtt-broker-main --port <n> [--host 127.0.0.1]`.
 * Runs until SIGTERM/SIGINT (or until its guard kills it).
 */
import { createServer } from 'node:net';
import { Aedes } from 'aedes';

const arg = (name: string, fallback?: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? process.argv[i + 1] : fallback;
  if (value === undefined) throw new Error(`mqtt broker: --${name} is required`);
  return value;
};

const port = Number(arg('port'));
const host = arg('host', '127.0.0.1');
const broker = await Aedes.createBroker();
const server = createServer(broker.handle);
server.listen(port, host, () => process.stdout.write(`mqtt broker on ${host}:${port}\n`));
const stop = (): void => {
  server.close();
  broker.close(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
