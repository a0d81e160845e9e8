/**
 * The Firehose emulator inside the embedded local cloud: started as a guarded child
 * process next to the others, its endpoint exported, the application's delivery streams
 * bootstrapped from `resourcesFor` (the raw archive with the application stream as source),
 * and stopped without leaving a port behind.
 */
import { DescribeDeliveryStreamCommand, PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import { resourcesFor } from '../../core/index.js';
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
