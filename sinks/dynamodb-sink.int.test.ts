/**
 * The DynamoDB sink against dynalite in the shared local cloud, through the real SDK over
 * HTTP. `UnprocessedItems` come from a small server in front of dynalite that forwards only
 * part of each BatchWriteItem on purpose (dynalite never returns any); throttling from the
 * fault-injecting proxy.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { createAwsClients, type AwsClients } from '../adapters/index.js';
import { loadConfig } from '../core/index.js';
import { PositionSet, traced, type Traced } from '../core/index.js';
import { startFaultProxy } from '../test/fault-proxy.js';
import { uniqueName } from '../test/helpers.js';
import { createDynamoDbSink } from './dynamodb-sink.js';
import { anomalyKey } from './keys.js';
import type { SinkEvent } from './sink.js';

interface Anomaly {
  readonly deviceId: string;
  readonly windowStart: number;
  readonly score: number;
}

const T0 = Date.UTC(2026, 10, 23, 6, 0);
const made: AwsClients[] = [];
const clientsAt = (endpoint?: string) => {
  const c = createAwsClients(
    loadConfig({ ...process.env, ...(endpoint ? { AWS_ENDPOINT_URL_DYNAMODB: endpoint } : {}) }),
    { maxAttempts: 1 },
  );
  made.push(c);
  return c;
};
const noWait = { random: () => 0.5, sleep: async () => undefined };
const anomalies = (devices: number, windows: number, score = 1): Traced<Anomaly>[] => {
  const out: Traced<Anomaly>[] = [];
  for (let d = 0; d < devices; d += 1)
    for (let w = 0; w < windows; w += 1)
      out.push(
        traced(
          { deviceId: `D${d}`, windowStart: T0 + w * 60_000, score },
          PositionSet.single(`shard-${d}`, w),
        ),
      );
  return out;
};

let table: string;
beforeAll(async () => {
  table = uniqueName('anomalies');
  await clientsAt().dynamodb.send(
    new CreateTableCommand({
      TableName: table,
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
});
afterAll(() => made.forEach((c) => c.destroy()));

const rowsOf = async (deviceId: string) => {
  const out = await clientsAt().documents.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'pk = :d',
      ExpressionAttributeValues: { ':d': deviceId },
    }),
  );
  return out.Items ?? [];
};

/** Forwards BatchWriteItem with only its first `keep` puts and reports the rest unprocessed. */
async function startPartialServer(target: string, keep: number) {
  const upstream = new URL(target);
  let calls = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      let held: Record<string, unknown[]> | undefined;
      if (String(req.headers['x-amz-target']).endsWith('.BatchWriteItem')) {
        calls += 1;
        const input = JSON.parse(body.toString()) as { RequestItems: Record<string, unknown[]> };
        held = {};
        for (const [name, writes] of Object.entries(input.RequestItems)) {
          if (writes.length > keep) held[name] = writes.slice(keep);
          input.RequestItems[name] = writes.slice(0, keep);
        }
        body = Buffer.from(JSON.stringify(input));
      }
      const forward = request(
        {
          hostname: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, 'content-length': String(body.length) },
        },
        (up) => {
          const out: Buffer[] = [];
          up.on('data', (c: Buffer) => out.push(c));
          up.on('end', () => {
            let payload = Buffer.concat(out);
            if (held && up.statusCode === 200) {
              const answer = JSON.parse(payload.toString()) as Record<string, unknown>;
              answer.UnprocessedItems = held;
              payload = Buffer.from(JSON.stringify(answer));
            }
            res.writeHead(up.statusCode ?? 502, {
              'content-type': 'application/x-amz-json-1.0',
              'content-length': String(payload.length),
            });
            res.end(payload);
          });
        },
      );
      forward.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls: () => calls,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('DynamoDB sink', () => {
  it('writes in ≤ 25-item batches under deterministic keys with a TTL, and overwrites on replay', async () => {
    const events: SinkEvent[] = [];
    const sink = createDynamoDbSink<Anomaly>({
      client: clientsAt().documents,
      tableName: table,
      key: anomalyKey,
      ttl: { seconds: 3_600 },
      clock: () => T0,
      retry: noWait,
      onEvent: (e) => events.push(e),
    });
    const first = await sink.write(anomalies(3, 20)); // 60 rows: 25 + 25 + 10
    expect(first.failures).toEqual([]);
    expect(first.durable.size).toBe(60);
    expect(
      events.filter((e) => e.type === 'sink.written').map((e) => 'items' in e && e.items),
    ).toEqual([25, 25, 10]);
    const rows = await rowsOf('D1');
    expect(rows).toHaveLength(20);
    expect(rows[0]).toEqual({
      pk: 'D1',
      sk: new Date(T0).toISOString(),
      deviceId: 'D1',
      windowStart: T0,
      score: 1,
      expiresAt: T0 / 1000 + 3_600,
    });
    const replay = await sink.write(anomalies(3, 20, 2));
    expect(replay.durable.size).toBe(60);
    const after = await rowsOf('D1');
    expect(after).toHaveLength(20);
    expect(after.every((r) => r.score === 2)).toBe(true);
  });

  it('collapses duplicate keys in one call (DynamoDB rejects them) and acknowledges both', async () => {
    const sink = createDynamoDbSink<Anomaly>({
      client: clientsAt().documents,
      tableName: table,
      key: anomalyKey,
      retry: noWait,
    });
    const a = traced({ deviceId: 'DUP', windowStart: T0, score: 1 }, PositionSet.single('s', 1));
    const b = traced({ deviceId: 'DUP', windowStart: T0, score: 9 }, PositionSet.single('s', 2));
    const result = await sink.write([a, b]);
    expect(result.failures).toEqual([]);
    expect(result.durable.toJSON()).toEqual({ s: [[1, 2]] });
    expect((await rowsOf('DUP')).map((r) => r.score)).toEqual([9]);
  });

  it('retries UnprocessedItems with back-off until every row is written', async () => {
    const partial = await startPartialServer(process.env.AWS_ENDPOINT_URL_DYNAMODB!, 7);
    try {
      const retries: SinkEvent[] = [];
      const sink = createDynamoDbSink<Anomaly>({
        client: clientsAt(partial.url).documents,
        tableName: table,
        key: anomalyKey,
        retry: noWait,
        onEvent: (e) => e.type === 'sink.retry' && retries.push(e),
      });
      const input = anomalies(1, 25).map((t) =>
        traced({ ...t.value, deviceId: 'UNP' }, t.positions),
      );
      const result = await sink.write(input);
      expect(result.failures).toEqual([]);
      expect(result.durable.size).toBe(25);
      expect(partial.calls()).toBe(4); // 7 + 7 + 7 + 4
      expect(retries).toHaveLength(3);
      expect(retries.every((e) => 'reason' in e && e.reason === 'DYNAMODB_UNPROCESSED_ITEMS')).toBe(
        true,
      );
      expect(await rowsOf('UNP')).toHaveLength(25);
    } finally {
      await partial.close();
    }
  });

  it('reports rows still unprocessed after the retries as retriable failures', async () => {
    const partial = await startPartialServer(process.env.AWS_ENDPOINT_URL_DYNAMODB!, 10);
    try {
      const sink = createDynamoDbSink<Anomaly>({
        client: clientsAt(partial.url).documents,
        tableName: table,
        key: anomalyKey,
        retry: { ...noWait, retries: 1 },
      });
      const input = anomalies(1, 25).map((t) =>
        traced({ ...t.value, deviceId: 'EXH' }, t.positions),
      );
      const result = await sink.write(input);
      expect(result.written).toBe(20);
      expect(result.failures).toHaveLength(5);
      expect(result.failures[0]).toMatchObject({
        code: 'DYNAMODB_UNPROCESSED_ITEMS',
        retriable: true,
      });
      expect(result.durable.size).toBe(20);
    } finally {
      await partial.close();
    }
  });

  it('retries throttled calls (fault proxy) and fails a missing table as non-retriable', async () => {
    const proxy = await startFaultProxy({ target: process.env.AWS_ENDPOINT_URL_DYNAMODB! });
    try {
      proxy.failNext(2, { errorType: 'ProvisionedThroughputExceededException' }, [
        'BatchWriteItem',
      ]);
      const sink = createDynamoDbSink<Anomaly>({
        client: clientsAt(proxy.url).documents,
        tableName: table,
        key: anomalyKey,
        retry: noWait,
      });
      const result = await sink.write(anomalies(1, 3));
      expect(proxy.stats.failedRequests).toBe(2);
      expect(result.failures).toEqual([]);
      expect(result.durable.size).toBe(3);
    } finally {
      await proxy.close();
    }
    const missing = createDynamoDbSink<Anomaly>({
      client: clientsAt().documents,
      tableName: 'no-such-table',
      key: anomalyKey,
      retry: noWait,
    });
    const out = await missing.write(anomalies(1, 2));
    expect(out.durable.isEmpty).toBe(true);
    expect(out.failures.map((f) => [f.code, f.retriable])).toEqual(
      Array(2).fill(['ResourceNotFoundException', false]),
    );
  });
});
