/**
 * @module localstack/firehose/create-input
 * Validates a CreateDeliveryStream request the way the service does and normalises it to
 * {@link DeliveryStreamSettings}. Only the extended S3 destination is offered (the one
 * shardflow uses); other destinations are rejected with `InvalidArgumentException` rather
 * than accepted and ignored. Pure.
 */
import { FirehoseApiError, invalidArgument, validationError } from './errors.js';
import { hasExpressions, prefixProblem } from './object-key.js';
import type { DeliveryStreamSettings } from './settings.js';

/** A decoded JSON object from the wire. */
export type Json = Record<string, unknown>;

const NAME = /^[a-zA-Z0-9._-]+$/;
const obj = (v: unknown): Json | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Checks a delivery stream name against the model constraints (1–64, `[a-zA-Z0-9._-]+`). */
export function checkStreamName(name: unknown, field = 'deliveryStreamName'): string {
  const value = str(name);
  if (value === undefined)
    throw validationError([
      `Value null at '${field}' failed to satisfy constraint: Member must not be null`,
    ]);
  if (value.length < 1 || value.length > 64 || !NAME.test(value))
    throw validationError([
      `Value '${value}' at '${field}' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+ and have length between 1 and 64`,
    ]);
  return value;
}

/** Name of the stream in a Kinesis stream ARN (`arn:aws:kinesis:<region>:<acct>:stream/<name>`). */
export function streamNameOfArn(arn: string): string {
  const match = /^arn:[^:]+:kinesis:[^:]*:[^:]*:stream\/(.+)$/.exec(arn);
  if (!match?.[1]) throw invalidArgument(`KinesisStreamARN ${arn} is not a Kinesis stream ARN`);
  return match[1];
}

/** Normalises a CreateDeliveryStream request; throws the service's errors. */
export function parseCreateInput(
  input: Json,
  context: { readonly region: string; readonly account: string; readonly now: number },
): DeliveryStreamSettings {
  const name = checkStreamName(input.DeliveryStreamName);
  const type = str(input.DeliveryStreamType) ?? 'DirectPut';
  if (type !== 'DirectPut' && type !== 'KinesisStreamAsSource')
    throw invalidArgument(`DeliveryStreamType ${type} is not supported by this emulator`);
  const source = obj(input.KinesisStreamSourceConfiguration);
  if (type === 'KinesisStreamAsSource' && !source)
    throw invalidArgument(
      'KinesisStreamSourceConfiguration is required when DeliveryStreamType is KinesisStreamAsSource',
    );
  if (type === 'DirectPut' && source)
    throw invalidArgument(
      'KinesisStreamSourceConfiguration is only allowed when DeliveryStreamType is KinesisStreamAsSource',
    );
  const destination =
    obj(input.ExtendedS3DestinationConfiguration) ?? obj(input.S3DestinationConfiguration);
  if (!destination)
    throw invalidArgument(
      'This emulator supports only ExtendedS3DestinationConfiguration (or S3DestinationConfiguration)',
    );
  const bucketArn = str(destination.BucketARN);
  const roleArn = str(destination.RoleARN);
  if (!bucketArn || !/^arn:[^:]+:s3:::[a-z0-9.-]{3,63}$/.test(bucketArn))
    throw invalidArgument(`BucketARN ${bucketArn ?? 'null'} is not an S3 bucket ARN`);
  if (!roleArn) throw invalidArgument('RoleARN is required');
  const hints = obj(destination.BufferingHints) ?? {};
  const sizeInMBs = hints.SizeInMBs === undefined ? 5 : Number(hints.SizeInMBs);
  const intervalInSeconds =
    hints.IntervalInSeconds === undefined ? 300 : Number(hints.IntervalInSeconds);
  const problems: string[] = [];
  if (!Number.isInteger(sizeInMBs) || sizeInMBs < 1 || sizeInMBs > 128)
    problems.push(
      `Value '${String(hints.SizeInMBs)}' at 'extendedS3DestinationConfiguration.bufferingHints.sizeInMBs' failed to satisfy constraint: Member must have value between 1 and 128`,
    );
  if (!Number.isInteger(intervalInSeconds) || intervalInSeconds < 0 || intervalInSeconds > 900)
    problems.push(
      `Value '${String(hints.IntervalInSeconds)}' at 'extendedS3DestinationConfiguration.bufferingHints.intervalInSeconds' failed to satisfy constraint: Member must have value between 0 and 900`,
    );
  if (problems.length > 0) throw validationError(problems);
  const compression = str(destination.CompressionFormat) ?? 'UNCOMPRESSED';
  if (compression !== 'UNCOMPRESSED' && compression !== 'GZIP')
    throw invalidArgument(`CompressionFormat ${compression} is not supported by this emulator`);
  const prefix = str(destination.Prefix) ?? '';
  const errorOutputPrefix = str(destination.ErrorOutputPrefix);
  const prefixIssue =
    prefixProblem(prefix, 'prefix') ??
    (errorOutputPrefix === undefined
      ? undefined
      : prefixProblem(errorOutputPrefix, 'errorOutputPrefix'));
  if (prefixIssue) throw invalidArgument(prefixIssue);
  if (hasExpressions(prefix) && !errorOutputPrefix)
    throw invalidArgument(
      'ErrorOutputPrefix cannot be null or empty when Prefix contains expressions',
    );
  let sourceStreamArn: string | undefined;
  if (source) {
    sourceStreamArn = str(source.KinesisStreamARN);
    if (!sourceStreamArn) throw invalidArgument('KinesisStreamARN is required');
    streamNameOfArn(sourceStreamArn);
    if (!str(source.RoleARN)) throw invalidArgument('RoleARN of the Kinesis source is required');
  }
  if (input.DeliveryStreamEncryptionConfigurationInput && type === 'KinesisStreamAsSource')
    throw new FirehoseApiError(
      'InvalidArgumentException',
      'Server-side encryption cannot be enabled for a delivery stream with a Kinesis stream source',
    );
  return {
    name,
    arn: `arn:aws:firehose:${context.region}:${context.account}:deliverystream/${name}`,
    type,
    bucketArn,
    roleArn,
    prefix,
    ...(errorOutputPrefix !== undefined ? { errorOutputPrefix } : {}),
    sizeInMBs,
    intervalInSeconds,
    compression,
    ...(sourceStreamArn ? { sourceStreamArn, sourceRoleArn: str(source?.RoleARN) } : {}),
    createdAt: context.now,
  };
}
