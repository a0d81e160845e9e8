/**
 * @module localstack/firehose/limits
 * The documented Firehose limits the emulator enforces, with the error each one raises on
 * AWS: a batch holds 1–500 records (`ValidationException`), a record's data is at most
 * 1,000 KiB before base64 (`ValidationException`, per offending member), a batch at most
 * 4 MiB (`InvalidArgumentException: Records size exceeds 4 MB limit`), and a stream
 * accepts a bounded record rate — records over it fail one by one with
 * `ServiceUnavailableException: Slow down.` inside a successful response. Pure.
 */
import { FirehoseApiError, invalidArgument, validationError } from './errors.js';

/** Largest record data, bytes (1,000 KiB). */
export const MAX_RECORD_BYTES = 1_024_000;
/** Most records per PutRecordBatch. */
export const MAX_BATCH_RECORDS = 500;
/** Largest PutRecordBatch payload, bytes (4 MiB). */
export const MAX_BATCH_BYTES = 4 * 1024 * 1024;

const tooLong = (path: string, bytes: number): string =>
  `Value 'java.nio.HeapByteBuffer[pos=0 lim=${bytes} cap=${bytes}]' at '${path}' failed to satisfy constraint: Member must have length less than or equal to ${MAX_RECORD_BYTES}`;

/** Checks one PutRecord's data; throws the service's error. */
export function checkRecord(data: Uint8Array): void {
  if (data.byteLength > MAX_RECORD_BYTES)
    throw validationError([tooLong('record.data', data.byteLength)]);
}

/** Checks a PutRecordBatch's records; throws the service's error. */
export function checkBatch(records: readonly Uint8Array[]): void {
  if (records.length < 1)
    throw validationError([
      "Value '[]' at 'records' failed to satisfy constraint: Member must have length greater than or equal to 1",
    ]);
  if (records.length > MAX_BATCH_RECORDS)
    throw validationError([
      `Value '[...${records.length} records]' at 'records' failed to satisfy constraint: Member must have length less than or equal to ${MAX_BATCH_RECORDS}`,
    ]);
  const problems = records.flatMap((r, i) =>
    r.byteLength > MAX_RECORD_BYTES ? [tooLong(`records.${i + 1}.member.data`, r.byteLength)] : [],
  );
  if (problems.length > 0) throw validationError(problems);
  const total = records.reduce((sum, r) => sum + r.byteLength, 0);
  if (total > MAX_BATCH_BYTES) throw invalidArgument('Records size exceeds 4 MB limit');
}

/**
 * A per-stream records-per-second quota (token bucket refilled continuously). The real
 * default quota is 5,000 records/s in most regions; tests lower it to provoke throttling.
 */
export class RecordRateLimit {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSecond: number,
    now: number,
  ) {
    if (!(perSecond > 0))
      throw new FirehoseApiError('InvalidArgumentException', 'rate must be > 0');
    this.tokens = perSecond;
    this.last = now;
  }

  /** How many of `wanted` records may pass at `now`; consumes that many tokens. */
  admit(wanted: number, now: number): number {
    this.tokens = Math.min(
      this.perSecond,
      this.tokens + ((now - this.last) / 1000) * this.perSecond,
    );
    this.last = now;
    const granted = Math.max(0, Math.min(wanted, Math.floor(this.tokens)));
    this.tokens -= granted;
    return granted;
  }
}
