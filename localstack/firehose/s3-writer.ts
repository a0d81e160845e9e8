/**
 * @module localstack/firehose/s3-writer
 * The emulator's only S3 call: one PutObject per delivered object through an injected
 * S3 client. Resolves only after S3 acknowledged the object (the durability point).
 */
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ObjectWriter } from './delivery-stream.js';

/** An {@link ObjectWriter} backed by S3 `PutObject`. */
export function s3Writer(s3: S3Client): ObjectWriter {
  return async ({ bucket, key, body }) => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  };
}
