/**
 * @module producers/put-batch
 * The settlement of one `putMany` call: every record of the call reports here when it is
 * delivered or fails, and the call's single promise resolves once all of them have — one
 * promise and one counter per call instead of a promise, two closures and a result object per
 * record. Invariant: resolves exactly once, after exactly `count` settlements.
 */

/** A record of a `putMany` call that was not delivered. */
export interface PutManyFailure {
  /** Its index in the records given to `putMany`. */
  readonly index: number;
  /** `RecordRejectedError` (never sendable) or `RecordFailedError` (gave up). */
  readonly error: Error;
}

/** The outcome of a `putMany` call. */
export interface PutManyResult {
  /** Records Kinesis accepted. */
  readonly delivered: number;
  /** Records not delivered, in the order they settled. */
  readonly failed: readonly PutManyFailure[];
}

/** Counts the settlements of one `putMany` call and resolves its promise after the last. */
export class PutBatch {
  /** Resolves once every record of the call has settled. */
  readonly done: Promise<PutManyResult>;
  private remaining: number;
  private delivered = 0;
  private readonly failed: PutManyFailure[] = [];
  private finish: (result: PutManyResult) => void = () => undefined;

  constructor(count: number) {
    this.remaining = count;
    this.done = new Promise((resolve) => (this.finish = resolve));
    if (count === 0) this.finish({ delivered: 0, failed: [] });
  }

  /** One record was delivered. */
  ok(): void {
    this.delivered += 1;
    this.settled();
  }

  /** The record at `index` was rejected or failed. */
  fail(index: number, error: Error): void {
    this.failed.push({ index, error });
    this.settled();
  }

  private settled(): void {
    this.remaining -= 1;
    if (this.remaining === 0) this.finish({ delivered: this.delivered, failed: this.failed });
  }
}
