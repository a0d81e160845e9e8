/**
 * @module bench/sdk-call-floor
 * `tsx bench/sdk-call-floor.ts [canned|local|both]`: the SDK's own CPU per call on the
 * consumer's hot calls — an empty `GetRecords` (plain `send` and shardflow's lean reader), a
 * lease `UpdateItem` (renew/checkpoint shape, `ALL_NEW`) and a lease-table `Scan` of 4 and of
 * 200 leases — for each client configuration variant side by side, rounds alternating.
 * `canned`: the HTTP layer answers at once (no I/O, the SDK alone); `local`: the embedded
 * local cloud (kinesis-local, dynalite) over HTTP/1.1 keep-alive sockets as
 * `adapters/aws-clients.ts` builds them (the emulators are child processes, not counted).
 * Per-call costs do not grow with records: they set what idle shards and lease work cost.
 */
import {
  CreateTableCommand,
  DynamoDBClient,
  PutItemCommand,
  ScanCommand,
  UpdateItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { GetRecordsCommand, GetShardIteratorCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { SDK_QUIET_LOGGER } from '../adapters/index.js';
import { getRecords } from '../consumers/index.js';
import { LOCAL_CREDENTIALS } from '../localstack/index.js';
import { createActiveStream } from '../test/helpers.js';
import { startConsumerCloud } from './consumer-cloud.js';
import { profiled } from './cpu-profile.js';
import { machine, table } from './report.js';

/** A client configuration variant, applied to both clients. */
interface Variant {
  readonly name: string;
  readonly config: Record<string, unknown>;
  /** Kinesis only for endpoint resolution variants (AWS's ruleset instead of an override). */
  readonly awsEndpoint?: boolean;
}

const VARIANTS: readonly Variant[] = [
  { name: 'SDK defaults (aws-clients before)', config: {} },
  { name: 'logger without info', config: { logger: SDK_QUIET_LOGGER } },
  { name: 'cacheMiddleware', config: { cacheMiddleware: true } },
  {
    name: 'logger without info + cacheMiddleware',
    config: { logger: SDK_QUIET_LOGGER, cacheMiddleware: true },
  },
];
/** Canned only: resolving AWS's own endpoint by the ruleset rather than an override. */
const AWS_ENDPOINT: Variant = {
  name: 'SDK defaults, AWS endpoint (ruleset)',
  config: {},
  awsEndpoint: true,
};

const SHARD_ITERATOR = 'AAAAAAAAAAH'.padEnd(200, 'x');
const lease = (i: number): Record<string, AttributeValue> => ({
  leaseKey: { S: `shardId-${String(i).padStart(12, '0')}` },
  entityType: { S: 'LEASE' },
  leaseCounter: { N: String(1000 + i) },
  leaseOwner: { S: 'worker-1' },
  checkpoint: { S: `4965${'0'.repeat(40)}${i}` },
  checkpointSubSequenceNumber: { N: '0' },
  ownerSwitchesSinceCheckpoint: { N: '0' },
  startingHashKey: { S: '0' },
  endingHashKey: { S: '340282366920938463463374607431768211455' },
  shardflowStream: { S: 'arn:aws:kinesis:us-east-1:000000000000:stream/bench' },
});

/** The calls measured, each a function of the two clients. */
interface Call {
  readonly name: string;
  run(k: KinesisClient, d: DynamoDBClient, ctx: Context): Promise<unknown>;
}
interface Context {
  readonly iterator: () => string;
  readonly table: string;
  readonly bigTable: string;
}

const renew = (table: string) =>
  new UpdateItemCommand({
    TableName: table,
    Key: { leaseKey: { S: 'shardId-000000000000' } },
    ConditionExpression:
      'attribute_exists(leaseKey) AND (attribute_not_exists(entityType) OR entityType = :lease) AND leaseOwner = :owner',
    UpdateExpression: 'SET leaseCounter = leaseCounter + :one',
    ExpressionAttributeValues: {
      ':one': { N: '1' },
      ':lease': { S: 'LEASE' },
      ':owner': { S: 'worker-1' },
    },
    ReturnValues: 'ALL_NEW',
  });

const CALLS: readonly Call[] = [
  {
    name: 'GetRecords, empty (send)',
    run: (k, _d, c) =>
      k.send(new GetRecordsCommand({ ShardIterator: c.iterator(), Limit: 10_000 })),
  },
  {
    name: 'GetRecords, empty (lean reader)',
    run: (k, _d, c) => getRecords(k, { ShardIterator: c.iterator(), Limit: 10_000 }),
  },
  { name: 'UpdateItem (lease renew, ALL_NEW)', run: (_k, d, c) => d.send(renew(c.table)) },
  {
    name: 'Scan, 4 leases',
    run: (_k, d, c) => d.send(new ScanCommand({ TableName: c.table, ConsistentRead: true })),
  },
  {
    name: 'Scan, 200 leases',
    run: (_k, d, c) => d.send(new ScanCommand({ TableName: c.bigTable, ConsistentRead: true })),
  },
];

const cpuNow = () => {
  const c = process.cpuUsage();
  return c.user + c.system;
};

/** Canned 200 responses by request target (the `X-Amz-Target` header), no I/O. */
function cannedHandler(updateCounter: { n: number }) {
  const json = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));
  const getRecordsBody = json({
    Records: [],
    NextShardIterator: SHARD_ITERATOR,
    MillisBehindLatest: 0,
  });
  const scan = (n: number) =>
    json({ Items: Array.from({ length: n }, (_, i) => lease(i)), Count: n, ScannedCount: n });
  const scan4 = scan(4);
  const scan200 = scan(200);
  return {
    handle: async (request: { headers: Record<string, string>; body?: unknown }) => {
      const target = request.headers['x-amz-target'] ?? '';
      let body: Uint8Array;
      let type = 'application/x-amz-json-1.0';
      if (target.endsWith('.GetRecords')) {
        body = getRecordsBody;
        type = 'application/x-amz-json-1.1';
      } else if (target.endsWith('.Scan')) {
        body = Buffer.from(request.body as Uint8Array)
          .toString('utf8')
          .includes('"bench-big"')
          ? scan200
          : scan4;
      } else {
        updateCounter.n += 1;
        body = json({ Attributes: { ...lease(0), leaseCounter: { N: String(updateCounter.n) } } });
      }
      return {
        response: {
          statusCode: 200,
          headers: { 'content-type': type },
          body: new Uint8Array(body),
        },
      };
    },
  };
}

const credentials = {
  accessKeyId: LOCAL_CREDENTIALS.AWS_ACCESS_KEY_ID,
  secretAccessKey: LOCAL_CREDENTIALS.AWS_SECRET_ACCESS_KEY,
};

/** Clients for a variant: canned (no I/O) or over HTTP/1.1 to `endpoints`. */
function clientsFor(
  v: Variant,
  endpoints: { kinesis: string; dynamodb: string } | undefined,
): { k: KinesisClient; d: DynamoDBClient } {
  const handler = () =>
    endpoints
      ? new NodeHttpHandler({ connectionTimeout: 5_000, requestTimeout: 30_000 })
      : cannedHandler({ n: 0 });
  const base = { region: 'us-east-1', maxAttempts: 3, credentials, ...v.config };
  const k = new KinesisClient({
    ...base,
    ...(v.awsEndpoint ? {} : { endpoint: endpoints?.kinesis ?? 'http://127.0.0.1:9' }),
    requestHandler: handler(),
  });
  const d = new DynamoDBClient({
    ...base,
    ...(v.awsEndpoint ? {} : { endpoint: endpoints?.dynamodb ?? 'http://127.0.0.1:9' }),
    requestHandler: handler(),
  });
  return { k, d };
}

/** Per-call CPU µs of every call × variant, median of `rounds` alternating rounds. */
async function measure(
  mode: string,
  all: readonly Variant[],
  ctx: Context,
  endpoints: { kinesis: string; dynamodb: string } | undefined,
  n: number,
  rounds: number,
): Promise<void> {
  const only = process.env.BENCH_ONLY;
  const variants = all.filter((v, i) => i === 0 || !only || v.name.includes(only));
  const clients = variants.map((v) => clientsFor(v, endpoints));
  const samples = CALLS.map(() => variants.map(() => [] as number[]));
  for (const c of clients)
    for (const call of CALLS) for (let i = 0; i < 20; i += 1) await call.run(c.k, c.d, ctx);
  await profiled(`sdk-call-floor-${mode}`, async () => {
    for (let r = 0; r < rounds; r += 1) {
      for (const [ci, call] of CALLS.entries()) {
        for (const [vi, c] of clients.entries()) {
          const t0 = cpuNow();
          for (let i = 0; i < n; i += 1) await call.run(c.k, c.d, ctx);
          samples[ci]![vi]!.push((cpuNow() - t0) / n);
        }
      }
    }
  });
  for (const c of clients) {
    c.k.destroy();
    c.d.destroy();
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(
    `\n${mode}: CPU µs per call (median of ${rounds} rounds × ${n} sequential calls; ratio to the first column)\n`,
  );
  const header = ['call', ...variants.map((v) => v.name)];
  const rows = CALLS.map((call, ci) => {
    const m = variants.map((_, vi) => median(samples[ci]![vi]!));
    return [
      call.name,
      ...m.map((x, vi) => `${x.toFixed(0)}${vi ? ` (${(x / m[0]!).toFixed(2)}×)` : ''}`),
    ];
  });
  table(header, rows);
}

const mode = process.argv[2] ?? 'both';
const N = Number(process.env.BENCH_CALLS_N ?? 200);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
console.log(`machine: ${machine()}`);
if (mode === 'canned' || mode === 'both') {
  const ctx: Context = {
    iterator: () => SHARD_ITERATOR,
    table: 'bench-small',
    bigTable: 'bench-big',
  };
  await measure('canned (no I/O)', [...VARIANTS, AWS_ENDPOINT], ctx, undefined, N * 2, ROUNDS);
}
if (mode === 'local' || mode === 'both') {
  const cloud = await startConsumerCloud();
  try {
    const { kinesis, dynamodb } = cloud.clients;
    const stream = `bench-calls-${Date.now()}`;
    await createActiveStream(kinesis, stream, 1, 30_000);
    const { ShardIterator } = await kinesis.send(
      new GetShardIteratorCommand({
        StreamName: stream,
        ShardId: 'shardId-000000000000',
        ShardIteratorType: 'LATEST',
      }),
    );
    const table = `bench-small-${Date.now()}`;
    const bigTable = `bench-big-${Date.now()}`;
    for (const [name, count] of [
      [table, 4],
      [bigTable, 200],
    ] as const) {
      await dynamodb.send(
        new CreateTableCommand({
          TableName: name,
          AttributeDefinitions: [{ AttributeName: 'leaseKey', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'leaseKey', KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
      for (let i = 0; i < count; i += 1) {
        await dynamodb.send(new PutItemCommand({ TableName: name, Item: lease(i) }));
      }
    }
    const ctx: Context = { iterator: () => ShardIterator ?? '', table, bigTable };
    await measure(
      'local cloud (kinesis-local, dynalite; HTTP/1.1 keep-alive)',
      VARIANTS,
      ctx,
      { kinesis: cloud.endpoints.kinesis!, dynamodb: cloud.endpoints.dynamodb! },
      N / 2,
      ROUNDS,
    );
  } finally {
    await cloud.stop();
  }
}
process.exit(0);
