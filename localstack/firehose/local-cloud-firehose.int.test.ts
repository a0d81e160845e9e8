/**
 * The Firehose emulator inside the embedded local cloud: started as a guarded child
 * process next to the others, its endpoint exported, the application's delivery streams
 * bootstrapped from `resourcesFor` (the raw archive with the application stream as source),
 * and stopped without leaving a port behind; and the shared cloud's emulator process with
 * its emulator-only flush and stats endpoints.
 */
import {
  CreateDeliveryStreamCommand,
  DescribeDeliveryStreamCommand,
  PutRecordBatchCommand,
} from '@aws-sdk/client-firehose';
import { CreateBucketCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { createAwsClients } from '../../adapters/index.js';
import { loadConfig, resourcesFor } from '../../core/index.js';
import { firehoseStats, flushFirehose } from './admin.js';
import { uniqueName } from '../../test/helpers.js';
import { isListening } from '../ports.js';
import { bootstrapResources } from '../bootstrap.js';
import { startLocalCloud } from '../local-cloud.js';

describe('local cloud with the Firehose emulator', () => {
  it('exports its endpoint, creates the delivery streams idempotently and stops cleanly', async () => {
    const cloud = await startLocalCloud({ flags: { app: uniqueName('fh'), shardCount: 1 } });
    try {
      expect(cloud.env.AWS_ENDPOINT_URL_FIREHOSE).toBe(cloud.endpoints.firehose);
      const { rawDeliveryStream, resultsDeliveryStream, deadLetterDeliveryStream, streamName } =
        cloud.config;
      expect(cloud.bootstrap?.created).toEqual(
        expect.arrayContaining([
          `deliveryStream:${rawDeliveryStream}`,
          `deliveryStream:${resultsDeliveryStream}`,
          `deliveryStream:${deadLetterDeliveryStream}`,
        ]),
      );
      const raw = await cloud.clients.firehose.send(
        new DescribeDeliveryStreamCommand({ DeliveryStreamName: rawDeliveryStream }),
      );
      expect(raw.DeliveryStreamDescription).toMatchObject({
        DeliveryStreamType: 'KinesisStreamAsSource',
        Source: {
          KinesisStreamSourceDescription: {
            KinesisStreamARN: expect.stringMatching(new RegExp(`:stream/${streamName}$`)),
          },
        },
      });
      const dl = await cloud.clients.firehose.send(
        new DescribeDeliveryStreamCommand({ DeliveryStreamName: deadLetterDeliveryStream }),
      );
      expect(
        dl.DeliveryStreamDescription?.Destinations?.[0]?.ExtendedS3DestinationDescription,
      ).toMatchObject({ Prefix: 'dead-letters/', CompressionFormat: 'UNCOMPRESSED' });
      const put = await cloud.clients.firehose.send(
        new PutRecordBatchCommand({
          DeliveryStreamName: resultsDeliveryStream,
          Records: [{ Data: Buffer.from('{"x":1}\n') }],
        }),
      );
      expect(put.FailedPutCount).toBe(0);
      const again = await bootstrapResources(cloud.clients, resourcesFor(cloud.config), {
        deliveryStreams: true,
      });
      expect(again.created).toEqual([]);
      expect(again.existing).toContain(`deliveryStream:${rawDeliveryStream}`);
    } finally {
      await cloud.stop();
    }
    const port = Number(new URL(cloud.endpoints.firehose ?? 'http://x:1').port);
    expect(await isListening(port)).toBe(false);
  });
});

describe('the shared local cloud (jest global set-up)', () => {
  it('runs the Firehose emulator; its flush endpoint delivers buffers without waiting', async () => {
    const endpoint = process.env.AWS_ENDPOINT_URL_FIREHOSE;
    expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const aws = createAwsClients(loadConfig(process.env), { maxAttempts: 1 });
    try {
      const bucket = uniqueName('flush');
      const name = uniqueName('flush');
      await aws.s3.send(new CreateBucketCommand({ Bucket: bucket }));
      await aws.firehose.send(
        new CreateDeliveryStreamCommand({
          DeliveryStreamName: name,
          ExtendedS3DestinationConfiguration: {
            RoleARN: 'arn:aws:iam::000000000000:role/r',
            BucketARN: `arn:aws:s3:::${bucket}`,
            Prefix: 'results/',
            BufferingHints: { SizeInMBs: 64, IntervalInSeconds: 900 },
            CompressionFormat: 'GZIP',
          },
        }),
      );
      await aws.firehose.send(
        new PutRecordBatchCommand({
          DeliveryStreamName: name,
          Records: [{ Data: Buffer.from('{"a":1}\n') }, { Data: Buffer.from('{"a":2}\n') }],
        }),
      );
      expect((await firehoseStats(endpoint!))[name]).toMatchObject({ pending: 2, objects: 0 });
      const after = await flushFirehose(endpoint!);
      expect(after[name]).toMatchObject({ pending: 0, objects: 1, records: 2 });
      const listed = await aws.s3.send(new ListObjectsV2Command({ Bucket: bucket }));
      expect(listed.Contents?.map((o) => o.Key)).toEqual([
        expect.stringMatching(/^results\/\d{4}\/\d\d\/\d\d\/\d\d\/.+\.gz$/),
      ]);
    } finally {
      aws.destroy();
    }
  });
});
