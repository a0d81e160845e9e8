import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { loadConfig } from '../core/index.js';
import { createAwsClients, SDK_QUIET_LOGGER } from './aws-clients.js';

const env = {
  AWS_REGION: 'eu-west-1',
  AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
  AWS_ENDPOINT_URL_KINESIS: 'http://127.0.0.1:4567',
  AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:4568',
};
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

describe('createAwsClients', () => {
  it('honours AWS_ENDPOINT_URL_<SERVICE>, then AWS_ENDPOINT_URL, on every client', async () => {
    const aws = createAwsClients(loadConfig(env), { credentials });
    const url = async (c: {
      config: { endpoint?: () => Promise<{ hostname: string; port?: number }> };
    }) => {
      const e = await c.config.endpoint!();
      return `${e.hostname}:${e.port}`;
    };
    expect(await url(aws.kinesis)).toBe('127.0.0.1:4567');
    expect(await url(aws.dynamodb)).toBe('127.0.0.1:4568');
    expect(await url(aws.s3)).toBe('127.0.0.1:4566');
    expect(await url(aws.firehose)).toBe('127.0.0.1:4566');
    expect(await url(aws.sagemakerRuntime)).toBe('127.0.0.1:4566');
    expect(await url(aws.documents)).toBe('127.0.0.1:4568');
    aws.destroy();
  });

  it('caches the middleware of the low-level DynamoDB client only; the document client works', () => {
    const aws = createAwsClients(loadConfig(env), { credentials });
    expect(aws.dynamodb.config.cacheMiddleware).toBe(true);
    // the lean GetRecords / SubscribeToShard readers add per-command middleware: no cache
    expect(aws.kinesis.config.cacheMiddleware).not.toBe(true);
    // DynamoDBDocumentClient throws on a caching client: it gets its own
    expect(aws.documents.config.cacheMiddleware).not.toBe(true);
    expect(aws.documents).not.toBe(aws.dynamodb);
    aws.destroy();
  });

  it("destroy() closes the sockets of every client, the document client's too", async () => {
    // a DynamoDB stand-in that keeps idle connections open: only the client can close them
    const open = new Set<Socket>();
    const server: Server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end('{}');
    });
    server.keepAliveTimeout = 60_000;
    server.on('connection', (socket: Socket) => {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const aws = createAwsClients(loadConfig({ ...env, AWS_ENDPOINT_URL_DYNAMODB: endpoint }), {
        credentials,
      });
      await aws.documents.send(new GetCommand({ TableName: 't', Key: { id: 'a' } }));
      expect(open.size).toBe(1);
      aws.destroy();
      const deadline = Date.now() + 2_000;
      while (open.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(open.size).toBe(0);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('gives the SDK a logger without info, so no per-call log line is built', () => {
    const aws = createAwsClients(loadConfig(env), { credentials });
    expect(aws.kinesis.config.logger).toBe(SDK_QUIET_LOGGER);
    expect(aws.dynamodb.config.logger).toBe(SDK_QUIET_LOGGER);
    expect((SDK_QUIET_LOGGER as { info?: unknown }).info).toBeUndefined();
    expect(() => SDK_QUIET_LOGGER.warn('x')).not.toThrow();
    aws.destroy();
  });
});
