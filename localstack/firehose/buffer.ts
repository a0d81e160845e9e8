/**
 * @module localstack/firehose/buffer
 * The buffering rule of a Firehose delivery stream: records accumulate until their size
 * reaches `SizeInMBs` or the oldest has waited `IntervalInSeconds`, whichever comes first
 * (Firehose developer guide, "buffering hints"). Pure: the caller passes the time.
 * Invariant: records leave the buffer in arrival order and only through {@link DeliveryBuffer.take}
 * or {@link DeliveryBuffer.putBack}, so nothing is dropped or reordered.
 */

/** One record as accepted by PutRecord(Batch) or read from a source stream. */
export interface BufferedRecord {
  readonly data: Uint8Array;
  /** Epoch milliseconds when the emulator accepted it. */
  readonly arrival: number;
}

/** The contents of one object to deliver. */
export interface BufferBatch {
  readonly records: readonly BufferedRecord[];
  readonly bytes: number;
  /** Arrival of the oldest record: the time the S3 key is derived from. */
  readonly oldestArrival: number;
}

/** Buffering hints in bytes and milliseconds. */
export interface BufferHints {
  readonly sizeBytes: number;
  readonly intervalMs: number;
}

/** The records of one delivery stream not yet handed to S3. */
export class DeliveryBuffer {
  private records: BufferedRecord[] = [];
  private size = 0;

  constructor(private readonly hints: BufferHints) {}

  /** Bytes buffered. */
  get bytes(): number {
    return this.size;
  }

  /** Records buffered. */
  get length(): number {
    return this.records.length;
  }

  /** A copy of what is buffered, in order (for the journal). */
  snapshot(): readonly BufferedRecord[] {
    return [...this.records];
  }

  /** Appends a record. */
  add(record: BufferedRecord): void {
    this.records.push(record);
    this.size += record.data.byteLength;
  }

  /** True when a delivery is due at `now`: size reached, or the oldest record waited the interval. */
  due(now: number): boolean {
    const oldest = this.records[0];
    if (oldest === undefined) return false;
    return this.size >= this.hints.sizeBytes || now - oldest.arrival >= this.hints.intervalMs;
  }

  /** Removes and returns everything buffered (one object's worth), or undefined if empty. */
  take(): BufferBatch | undefined {
    const oldest = this.records[0];
    if (oldest === undefined) return undefined;
    const batch = { records: this.records, bytes: this.size, oldestArrival: oldest.arrival };
    this.records = [];
    this.size = 0;
    return batch;
  }

  /** Returns a batch whose delivery failed to the front of the buffer, keeping order. */
  putBack(batch: BufferBatch): void {
    this.records = [...batch.records, ...this.records];
    this.size += batch.bytes;
  }
}
