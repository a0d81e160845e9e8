/**
 * @module localstack/firehose/settings
 * The settings of one emulated delivery stream, shared by the stream, its journal and the
 * API (its own module so the stream and the journal need not import each other).
 */

/** The destination and source settings of a delivery stream (normalised CreateDeliveryStream input). */
export interface DeliveryStreamSettings {
  readonly name: string;
  readonly arn: string;
  readonly type: 'DirectPut' | 'KinesisStreamAsSource';
  readonly bucketArn: string;
  readonly roleArn: string;
  readonly prefix: string;
  readonly errorOutputPrefix?: string;
  readonly sizeInMBs: number;
  readonly intervalInSeconds: number;
  readonly compression: 'UNCOMPRESSED' | 'GZIP';
  /** Source stream ARN for `KinesisStreamAsSource`. */
  readonly sourceStreamArn?: string;
  readonly sourceRoleArn?: string;
  /** Epoch milliseconds of creation. */
  readonly createdAt: number;
}
