/**
 * @module localstack/firehose/delivery-stream
 * One delivery stream of the emulator: its description (as DescribeDeliveryStream returns
 * it), its buffer and its deliveries to S3. Invariant: a record accepted by `accept` is in
 * the buffer or in an object S3 acknowledged; a failed S3 write puts the batch back, in
 * order, to be retried on the next tick — acknowledged data is never dropped; with a
 * journal, accepted records are journaled before `accept` returns. At most one
 * delivery per stream is in flight, so objects of one stream are written in order.
 */
import { gzipSync } from 'node:zlib';
import { randomUUID, randomBytes } from 'node:crypto';
import { DeliveryBuffer, type BufferBatch, type BufferedRecord } from './buffer.js';
import type { StreamJournal } from './journal.js';
import type { DeliveryStreamSettings } from './settings.js';

export type { DeliveryStreamSettings } from './settings.js';
import { objectKey } from './object-key.js';

/** Writes one object; resolves once the object store acknowledged it. */
export type ObjectWriter = (object: {
  readonly bucket: string;
  readonly key: string;
  readonly body: Uint8Array;
}) => Promise<void>;

/** Counters for tests and telemetry. */
export interface DeliveryStats {
  objects: number;
  records: number;
  failedWrites: number;
}

/** A live delivery stream. */
export class DeliveryStream {
  readonly version = 1;
  readonly stats: DeliveryStats = { objects: 0, records: 0, failedWrites: 0 };
  private readonly buffer: DeliveryBuffer;
  private inFlight: Promise<void> | undefined;

  constructor(
    readonly settings: DeliveryStreamSettings,
    private readonly write: ObjectWriter,
    private readonly journal?: StreamJournal,
  ) {
    this.buffer = new DeliveryBuffer({
      sizeBytes: settings.sizeInMBs * 1024 * 1024,
      intervalMs: settings.intervalInSeconds * 1000,
    });
  }

  /** Buffers records that arrived at `now`. */
  accept(records: readonly Uint8Array[], now: number): void {
    const accepted = records.map((data) => ({ data, arrival: now }));
    this.journal?.append(accepted);
    for (const record of accepted) this.buffer.add(record);
  }

  /** Re-buffers records recovered from the journal (they are journaled already). */
  restore(records: readonly BufferedRecord[]): void {
    for (const record of records) this.buffer.add(record);
  }

  /** Records waiting for delivery. */
  get pending(): number {
    return this.buffer.length;
  }

  /** Delivers if the buffering hints say so (or `force`); resolves when that delivery ended. */
  async tick(now: number, force = false): Promise<void> {
    if (this.inFlight) return this.inFlight;
    if (!(force ? this.buffer.length > 0 : this.buffer.due(now))) return;
    const batch = this.buffer.take();
    if (!batch) return;
    this.inFlight = this.deliver(batch).finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** Delivers everything buffered, retrying failed writes up to `attempts` times. */
  async flush(now: () => number, attempts = 20): Promise<void> {
    if (this.inFlight) await this.inFlight;
    for (let i = 0; i < attempts && this.buffer.length > 0; i += 1) {
      await this.tick(now(), true);
      if (this.buffer.length > 0) await new Promise((r) => setTimeout(r, 50 * (i + 1)));
    }
  }

  private async deliver(batch: BufferBatch): Promise<void> {
    const { name, bucketArn, prefix, compression } = this.settings;
    const gzip = compression === 'GZIP';
    const raw = Buffer.concat(batch.records.map((r) => r.data));
    const key = objectKey({
      prefix,
      streamName: name,
      version: this.version,
      uuid: randomUUID(),
      gzip,
      context: {
        timestamp: batch.oldestArrival,
        randomString: randomBytes(8).toString('base64url').slice(0, 11),
      },
    });
    try {
      await this.write({
        bucket: bucketArn.replace(/^arn:[^:]*:s3:::/, ''),
        key,
        // Like Firehose: GZIP objects carry the `.gz` name, not a Content-Encoding header.
        body: gzip ? gzipSync(raw) : raw,
      });
      this.stats.objects += 1;
      this.stats.records += batch.records.length;
      this.journal?.reset(this.buffer.snapshot());
    } catch {
      this.stats.failedWrites += 1;
      this.buffer.putBack(batch);
    }
  }
}
