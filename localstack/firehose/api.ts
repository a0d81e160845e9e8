/**
 * @module localstack/firehose/api
 * The Firehose operations of the emulator over a registry of delivery streams:
 * CreateDeliveryStream, DescribeDeliveryStream, ListDeliveryStreams, DeleteDeliveryStream,
 * PutRecord and PutRecordBatch, with the request and response shapes of the Firehose API
 * reference. Transport-free (see `server.ts`). Invariant: a PutRecord(Batch) entry answered
 * with a RecordId is in its stream's buffer before the answer is sent.
 */
import { randomBytes } from 'node:crypto';
import { DeliveryStream, type ObjectWriter } from './delivery-stream.js';
import { FirehoseApiError, invalidArgument, streamNotFound, validationError } from './errors.js';
import { checkBatch, checkRecord, RecordRateLimit } from './limits.js';
import { checkStreamName, parseCreateInput, type Json } from './create-input.js';
import type { Journal } from './journal.js';
import type { DeliveryStreamSettings } from './settings.js';

/** An injectable clock (epoch milliseconds). */
export interface Clock {
  now(): number;
}

/** Starts reading a source stream into a delivery stream; returns its stop function. */
export type SourceStarter = (stream: DeliveryStream) => () => Promise<void>;

/** Options of {@link FirehoseApi}. */
export interface FirehoseApiOptions {
  readonly write: ObjectWriter;
  readonly clock?: Clock;
  readonly region?: string;
  readonly account?: string;
  /** Per-stream record quota (records/s); AWS's default is 5,000. */
  readonly recordsPerSecond?: number;
  /** Starts Kinesis source readers; required for KinesisStreamAsSource streams. */
  readonly startSource?: SourceStarter;
  /** Journal that keeps acknowledged records across a crash; streams are restored from it. */
  readonly journal?: Journal;
}

const recordId = (): string => randomBytes(56).toString('base64');
const decode = (value: unknown, path: string): Uint8Array => {
  if (typeof value !== 'string')
    throw validationError([
      `Value null at '${path}' failed to satisfy constraint: Member must not be null`,
    ]);
  return Buffer.from(value, 'base64');
};

/** The emulator's state and operations. */
export class FirehoseApi {
  readonly clock: Clock;
  private readonly streams = new Map<
    string,
    { stream: DeliveryStream; limit: RecordRateLimit; stopSource?: () => Promise<void> }
  >();
  private readonly region: string;
  private readonly account: string;

  constructor(private readonly options: FirehoseApiOptions) {
    const {
      clock = { now: () => Date.now() },
      region = 'us-east-1',
      account = '000000000000',
    } = options;
    if (options.recordsPerSecond !== undefined && !(options.recordsPerSecond > 0))
      throw invalidArgument('recordsPerSecond must be positive');
    this.clock = clock;
    this.region = region;
    this.account = account;
    for (const settings of options.journal?.loadStreams() ?? []) {
      this.register(settings).restore(options.journal?.loadRecords(settings.name) ?? []);
    }
  }

  /** Dispatches one operation by its name (the part after `Firehose_20150804.`). */
  async handle(operation: string, input: Json): Promise<Json> {
    switch (operation) {
      case 'CreateDeliveryStream':
        return this.create(input);
      case 'DescribeDeliveryStream':
        return this.describe(input);
      case 'ListDeliveryStreams':
        return this.list(input);
      case 'DeleteDeliveryStream':
        return this.remove(input);
      case 'PutRecord':
        return this.putRecord(input);
      case 'PutRecordBatch':
        return this.putRecordBatch(input);
      default:
        throw new FirehoseApiError('UnknownOperationException', `Unknown operation ${operation}`);
    }
  }

  /** Delivers what is due on every stream (called by a timer; tests call it after moving the clock). */
  async tick(): Promise<void> {
    const now = this.clock.now();
    await Promise.all([...this.streams.values()].map(({ stream }) => stream.tick(now)));
  }

  /** Stops source readers and delivers everything buffered: the shutdown path. */
  async flushAll(): Promise<void> {
    await Promise.all([...this.streams.values()].map((s) => s.stopSource?.()));
    await Promise.all(
      [...this.streams.values()].map(({ stream }) => stream.flush(() => this.clock.now())),
    );
  }

  /** Delivers every stream's buffer now (emulator-only; streams and sources keep running). */
  async flushBuffers(): Promise<void> {
    await Promise.all(
      [...this.streams.values()].map(({ stream }) => stream.flush(() => this.clock.now())),
    );
  }

  /** Per-stream counters: records pending, objects and records delivered, failed S3 writes. */
  stats(): Json {
    return Object.fromEntries(
      [...this.streams.values()].map(({ stream }) => [
        stream.settings.name,
        { pending: stream.pending, ...stream.stats },
      ]),
    );
  }

  /** A stream by name, for tests and the source reader. */
  stream(name: string): DeliveryStream | undefined {
    return this.streams.get(name)?.stream;
  }

  private entry(name: unknown) {
    const checked = checkStreamName(name);
    const found = this.streams.get(checked);
    if (!found) throw streamNotFound(checked, this.account);
    return found;
  }

  private create(input: Json): Json {
    const now = this.clock.now();
    const settings = parseCreateInput(input, { region: this.region, account: this.account, now });
    if (this.streams.has(settings.name))
      throw new FirehoseApiError(
        'ResourceInUseException',
        `Firehose ${settings.name} under accountId ${this.account} already exists`,
      );
    if (settings.type === 'KinesisStreamAsSource' && !this.options.startSource)
      throw invalidArgument('this emulator was started without a Kinesis endpoint');
    this.register(settings);
    this.saveStreams();
    return { DeliveryStreamARN: settings.arn };
  }

  private register(settings: DeliveryStreamSettings): DeliveryStream {
    const journal = this.options.journal?.stream(settings.name);
    const stream = new DeliveryStream(settings, this.options.write, journal);
    const limit = new RecordRateLimit(this.options.recordsPerSecond ?? 5_000, this.clock.now());
    const stopSource =
      settings.type === 'KinesisStreamAsSource' ? this.options.startSource?.(stream) : undefined;
    this.streams.set(settings.name, { stream, limit, ...(stopSource ? { stopSource } : {}) });
    return stream;
  }

  private saveStreams(): void {
    this.options.journal?.saveStreams(
      [...this.streams.values()].map(({ stream }) => stream.settings),
    );
  }

  private describe(input: Json): Json {
    const { stream } = this.entry(input.DeliveryStreamName);
    const s = stream.settings;
    const seconds = s.createdAt / 1000;
    return {
      DeliveryStreamDescription: {
        DeliveryStreamName: s.name,
        DeliveryStreamARN: s.arn,
        DeliveryStreamStatus: 'ACTIVE',
        DeliveryStreamType: s.type,
        VersionId: String(stream.version),
        CreateTimestamp: seconds,
        LastUpdateTimestamp: seconds,
        DeliveryStreamEncryptionConfiguration: { Status: 'DISABLED' },
        ...(s.sourceStreamArn
          ? {
              Source: {
                KinesisStreamSourceDescription: {
                  KinesisStreamARN: s.sourceStreamArn,
                  RoleARN: s.sourceRoleArn,
                  DeliveryStartTimestamp: seconds,
                },
              },
            }
          : {}),
        Destinations: [
          {
            DestinationId: 'destinationId-000000000001',
            ExtendedS3DestinationDescription: {
              RoleARN: s.roleArn,
              BucketARN: s.bucketArn,
              Prefix: s.prefix,
              ...(s.errorOutputPrefix !== undefined
                ? { ErrorOutputPrefix: s.errorOutputPrefix }
                : {}),
              BufferingHints: { SizeInMBs: s.sizeInMBs, IntervalInSeconds: s.intervalInSeconds },
              CompressionFormat: s.compression,
              EncryptionConfiguration: { NoEncryptionConfig: 'NoEncryption' },
              S3BackupMode: 'Disabled',
            },
          },
        ],
        HasMoreDestinations: false,
      },
    };
  }

  private list(input: Json): Json {
    const limit = input.Limit === undefined ? 10 : Number(input.Limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
      throw validationError([
        `Value '${String(input.Limit)}' at 'limit' failed to satisfy constraint: Member must have value between 1 and 10000`,
      ]);
    const type =
      typeof input.DeliveryStreamType === 'string' ? input.DeliveryStreamType : undefined;
    const after =
      typeof input.ExclusiveStartDeliveryStreamName === 'string'
        ? input.ExclusiveStartDeliveryStreamName
        : '';
    const names = [...this.streams.values()]
      .filter(({ stream }) => type === undefined || stream.settings.type === type)
      .map(({ stream }) => stream.settings.name)
      .sort()
      .filter((n) => n > after);
    return {
      DeliveryStreamNames: names.slice(0, limit),
      HasMoreDeliveryStreams: names.length > limit,
    };
  }

  private async remove(input: Json): Promise<Json> {
    const found = this.entry(input.DeliveryStreamName);
    this.streams.delete(found.stream.settings.name);
    this.saveStreams();
    await found.stopSource?.();
    await found.stream.flush(() => this.clock.now());
    this.options.journal?.remove(found.stream.settings.name);
    return {};
  }

  private directPut(input: Json) {
    const found = this.entry(input.DeliveryStreamName);
    if (found.stream.settings.type === 'KinesisStreamAsSource')
      throw invalidArgument(
        `This operation is not permitted on KinesisStreamAsSource delivery stream type.`,
      );
    return found;
  }

  private putRecord(input: Json): Json {
    const { stream, limit } = this.directPut(input);
    const record = input.Record as Json | undefined;
    const data = decode(record?.Data, 'record.data');
    checkRecord(data);
    const now = this.clock.now();
    if (limit.admit(1, now) < 1)
      throw new FirehoseApiError('ServiceUnavailableException', 'Slow down.');
    stream.accept([data], now);
    return { RecordId: recordId(), Encrypted: false };
  }

  private putRecordBatch(input: Json): Json {
    const { stream, limit } = this.directPut(input);
    const records = Array.isArray(input.Records) ? (input.Records as Json[]) : [];
    const data = records.map((r, i) => decode(r?.Data, `records.${i + 1}.member.data`));
    checkBatch(data);
    const now = this.clock.now();
    const admitted = limit.admit(data.length, now);
    stream.accept(data.slice(0, admitted), now);
    const responses = data.map((_, i) =>
      i < admitted
        ? { RecordId: recordId() }
        : { ErrorCode: 'ServiceUnavailableException', ErrorMessage: 'Slow down.' },
    );
    return {
      FailedPutCount: data.length - admitted,
      Encrypted: false,
      RequestResponses: responses,
    };
  }
}
