/**
 * @module consumers/get-records
 * `GetRecords` with a lean reader of the successful response. The SDK's generic
 * deserialiser walks its schema for every field of every record and, even with no logger
 * configured, copies each record once more to filter the log line: ≈ 3.5 µs per record on
 * the bench machine, the largest part of the consumer's per-record cost. For an HTTP 200
 * this reads the JSON body itself — `JSON.parse`, base64 `Data` to bytes, epoch-second
 * `ApproximateArrivalTimestamp` to a `Date`, exactly as the SDK converts them — and hands the
 * SDK an empty body to finish with; every other response (errors, throttles, retries) goes
 * through the SDK untouched. Invariant: the output equals the SDK's for the same bytes
 * (tested on canned responses), and the service-facing request is the SDK's own.
 */
import {
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  type KinesisClient,
  type _Record,
} from '@aws-sdk/client-kinesis';
import { contentType, sendLean } from './lean-response.js';

const EMPTY_OBJECT = new TextEncoder().encode('{}');

/** The JSON shape of a Kinesis record (awsJson1_1; `GetRecords` and `SubscribeToShard` events). */
export interface WireRecord {
  SequenceNumber?: string;
  ApproximateArrivalTimestamp?: number | string;
  Data?: string;
  PartitionKey?: string;
  EncryptionType?: string;
}

/** Decodes a `GetRecords` 200 response body as the SDK would (records' bytes are views). */
export function parseGetRecordsBody(body: Uint8Array): Omit<GetRecordsCommandOutput, '$metadata'> {
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  const json = JSON.parse(text) as {
    Records?: WireRecord[];
    NextShardIterator?: string | null;
    MillisBehindLatest?: number | null;
    ChildShards?: GetRecordsCommandOutput['ChildShards'] | null;
  };
  const out = {} as Omit<GetRecordsCommandOutput, '$metadata'>;
  if (json.Records != null) out.Records = json.Records.map(toRecord);
  if (json.NextShardIterator != null) out.NextShardIterator = json.NextShardIterator;
  if (json.MillisBehindLatest != null) out.MillisBehindLatest = json.MillisBehindLatest;
  if (json.ChildShards != null) out.ChildShards = json.ChildShards;
  return out;
}

/** One wire record as the SDK deserialises it (base64 `Data` to bytes, epoch seconds to a Date). */
export function toRecord(w: WireRecord): _Record {
  const r: _Record = {} as _Record;
  if (w.SequenceNumber != null) r.SequenceNumber = w.SequenceNumber;
  if (w.ApproximateArrivalTimestamp != null)
    r.ApproximateArrivalTimestamp = epochSeconds(w.ApproximateArrivalTimestamp);
  if (w.Data != null) r.Data = base64(w.Data);
  if (w.PartitionKey != null) r.PartitionKey = w.PartitionKey;
  if (w.EncryptionType != null) r.EncryptionType = w.EncryptionType as _Record['EncryptionType'];
  return r;
}

/** As the SDK's `parseEpochTimestamp`: seconds (possibly fractional) to a millisecond Date. */
function epochSeconds(value: number | string): Date {
  const seconds = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(seconds)) {
    throw new TypeError('Epoch timestamps must be valid, non-Infinite, non-NaN numerics');
  }
  return new Date(Math.round(seconds * 1000));
}

/** As the SDK's `fromBase64` (a Uint8Array view, padding checked). */
function base64(input: string): Uint8Array {
  if ((input.length * 3) % 4 !== 0) throw new TypeError('Incorrect padding on base64 string.');
  const b = Buffer.from(input, 'base64');
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

async function collect(body: unknown): Promise<Uint8Array> {
  if (body instanceof Uint8Array) return body;
  const chunks: Uint8Array[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/**
 * Sends one `GetRecords` call through `kinesis` (its retries, signing, endpoint and error
 * handling) and returns its output, reading a successful body with {@link parseGetRecordsBody}.
 */
export async function getRecords(
  kinesis: KinesisClient,
  input: { ShardIterator: string; Limit?: number },
  signal?: AbortSignal,
): Promise<Omit<GetRecordsCommandOutput, '$metadata'>> {
  const { out, lean } = await sendLean(
    new GetRecordsCommand(input),
    'shardflowLeanGetRecords',
    async (response) => {
      // only the awsJson1_1 body this reader knows; any other protocol stays with the SDK
      if (response.statusCode !== 200 || response.body == null) return undefined;
      if (!/json/i.test(contentType(response.headers))) return undefined;
      const parsed = parseGetRecordsBody(await collect(response.body));
      response.body = EMPTY_OBJECT; // the SDK finishes on an empty object
      return parsed;
    },
    (command) => kinesis.send(command, signal ? { abortSignal: signal } : {}),
  );
  return lean ?? out;
}
