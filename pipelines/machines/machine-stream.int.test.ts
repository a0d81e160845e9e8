/**
 * MTConnect file → stream → scores (issue 18): the sample documents of `data/mtconnect/`
 * are put to Kinesis as they are (one MTConnect Streams document per record, beside ordinary
 * device readings), a pipeline worker with the machines document pipeline consumes the
 * stream, and each machine's scored minutes land in the readings table (`kind: machine`,
 * with score and grade) and as score lines in the lake; the readings on the same stream
 * still reach the devices pipeline, and an empty MTConnect document (a dead letter) stops
 * nothing. Local cloud only.
 */
import { readFileSync } from 'node:fs';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { resourcesFor } from '../../core/index.js';
import { bootstrapResources, withoutRawArchive } from '../../localstack/index.js';
import { parseMtMapping } from '../../operators/index.js';
import { testClients, testConfig, waitFor } from '../../test/helpers.js';
import {
  createResultSinks,
  deviceSpec,
  MemorySnapshotStore,
  startPipelineWorker,
  type PipelineWorker,
} from '../index.js';
import { machineDocumentSpec } from './index.js';

const docs = JSON.parse(readFileSync('data/mtconnect/sample-streams.json', 'utf8')) as unknown[];
const mapping = parseMtMapping(JSON.parse(readFileSync('data/mtconnect/mapping.json', 'utf8')));
const config = testConfig({ shardCount: 1 });
const aws = testClients(config);
let worker: PipelineWorker | undefined;

afterAll(async () => {
  await worker?.stop();
});

it('scores MTConnect documents put to the stream into the readings table', async () => {
  const resources = resourcesFor(config);
  await bootstrapResources(aws, withoutRawArchive(resources), { deliveryStreams: true });
  const reading = (m: number) => ({
    kind: 'device',
    deviceId: 'dev-m',
    ts: new Date(Date.parse('2026-11-23T06:00:10Z') + m * 60_000).toISOString(),
    readings: { iaq: 60, temperature: 21, humidity: 40, voc: 0.5, pressure: 1013, co2: 600 },
  });
  const records = [
    ...docs.map((d) => ({ PartitionKey: 'mills', Data: Buffer.from(JSON.stringify(d)) })),
    ...Array.from({ length: 5 }, (_, m) => ({
      PartitionKey: 'dev-m',
      Data: Buffer.from(JSON.stringify(reading(m))),
    })),
    { PartitionKey: 'mills', Data: Buffer.from(JSON.stringify({ MTConnectStreams: {} })) },
  ];
  const put = await aws.kinesis.send(
    new PutRecordsCommand({ StreamName: config.streamName, Records: records }),
  );
  expect(put.FailedRecordCount ?? 0).toBe(0);
  worker = await startPipelineWorker({
    kinesis: aws.kinesis,
    dynamodb: aws.dynamodb,
    streamName: config.streamName,
    leaseTableName: config.leaseTableName,
    workerId: 'machines-test-worker',
    failoverTimeMs: 2_000,
    readings: [deviceSpec()],
    documents: [machineDocumentSpec({ mapping })],
    sinks: createResultSinks({ aws, config }),
    store: new MemorySnapshotStore(),
    httpPort: 0,
    drainDeadlineMs: 4_000,
    maxWaitMs: 200,
    handleSignals: false,
  });
  const rowsOf = async (key: string) =>
    (
      await aws.documents.send(
        new QueryCommand({
          TableName: config.readingsTableName,
          KeyConditionExpression: 'pk = :k',
          ExpressionAttributeValues: { ':k': key },
        }),
      )
    ).Items ?? [];
  // the last minute of each machine stays open (no later observation): 119 of 120 minutes
  await waitFor(async () => (await rowsOf('VMC-2')).length >= 118, {
    timeoutMs: 30_000,
    intervalMs: 250,
    what: 'VMC-2 scores in the readings table',
  });
  const vmc1 = await rowsOf('VMC-1');
  const vmc2 = await rowsOf('VMC-2');
  expect(vmc1.length).toBeGreaterThanOrEqual(115);
  for (const row of [...vmc1, ...vmc2]) {
    expect(row.kind).toBe('machine');
    expect(typeof row.score).toBe('number');
    expect(row.values).toHaveProperty('spindle_speed');
  }
  // the planted spindle fault (minutes 90–92 of VMC-1) has the highest score
  const top = [...vmc1, ...vmc2].sort((a, b) => Number(b.score) - Number(a.score))[0];
  expect(top?.pk).toBe('VMC-1');
  expect(String(top?.sk)).toMatch(/^2026-11-23T07:3[0-3]/);
  // the ordinary readings on the same stream still went through the devices pipeline
  await waitFor(async () => (await rowsOf('dev-m')).length > 0, {
    timeoutMs: 10_000,
    intervalMs: 250,
    what: 'device readings',
  });
}, 60_000);
