/**
 * @module pipelines/runtime/shard-runner
 * Runs the pipeline of one {@link ShardSession}: restores the shard's keyed state (its own
 * snapshot named by the lease, or — for a child shard not yet started — its parents' final
 * snapshots filtered to its hash key range; restore-state.ts), feeds the session's batches
 * through a chain built on that state, and commits with aligned snapshot barriers (as Flink
 * does):
 *
 * 1. every `snapshotIntervalMs` (and when the session ends) a barrier is cut after the last
 *    batch fed: feeding pauses until no element is inside an asynchronous stage, the keys
 *    changed since the previous barrier are encoded (`IncrementalSnapshots`: a delta, or a
 *    full object every so often and at the shard's end), feeding resumes, and the object
 *    is assembled and compressed off the hot path;
 * 2. once every item emitted before the cut is durable, the snapshot is written to the
 *    store, THEN the session commits (checkpoint at the barrier's last record + the
 *    snapshot's reference, one lease write).
 *
 * So the checkpoint follows the latest durable result by about one interval, and the pair
 * (checkpoint, snapshot) is consistent: restoring the snapshot and reading after the
 * checkpoint recomputes exactly what was not yet durable. `leaseLost` drops everything;
 * `shardEnded` always writes a final snapshot (open windows travel in it to the children).
 */
import { Subject, type SchedulerLike, type Subscription } from 'rxjs';
import type { ShardBatch, ShardSession } from '../../consumers/index.js';
import { retry, type SourceRecord } from '../../core/index.js';
import {
  IncrementalSnapshots,
  KeyedStateBackend,
  compressSnapshot,
  type IncrementalOptions,
  type SnapshotStore,
} from '../state/index.js';
import type { ShardPipeline } from './pipeline.js';
import type { ChainContext, InFlight } from './reading-chain.js';
import { restoreShardState, type RestoredFrom } from './restore-state.js';
import type { ResultItem } from './result-item.js';

/** Named events of a shard runner. */
export type RunnerEvent =
  | {
      readonly type: 'session.started';
      readonly shardId: string;
      readonly restoredFrom: RestoredFrom;
      readonly keys: number;
    }
  | { readonly type: 'session.ended'; readonly shardId: string; readonly reason: string }
  | {
      readonly type: 'snapshot.committed';
      readonly shardId: string;
      readonly bytes: number;
      readonly keys: number;
      readonly final: boolean;
      /** A full object or a delta (changed keys only, chained to a full base). */
      readonly kind: 'full' | 'delta';
      /** Keys expired by the idle TTL at this barrier. */
      readonly expired: number;
      /** How long feeding was paused for this barrier (ms): waiting for in-flight elements + serialising. */
      readonly pauseMs: number;
    }
  | { readonly type: 'snapshot.discarded'; readonly shardId: string; readonly error: unknown }
  | { readonly type: 'runner.error'; readonly shardId: string; readonly error: unknown };

/** Options of {@link ShardRunner}. */
export interface ShardRunnerOptions {
  readonly session: ShardSession;
  readonly pipeline: (context: ChainContext) => ShardPipeline;
  readonly store: SnapshotStore;
  /** Hands an emitted item to the sink stage. */
  readonly emit: (item: ResultItem, runner: ShardRunner) => void;
  readonly scheduler: SchedulerLike;
  /** Barrier period; default 5,000 ms. */
  readonly snapshotIntervalMs?: number;
  /** A snapshot this version cannot read: start with empty state (default) or fail the shard. */
  readonly onUnreadableSnapshot?: 'start-empty' | 'fail';
  /** Incremental snapshots: deltas between full objects, compaction, idle-key TTL. */
  readonly snapshots?: Omit<IncrementalOptions, 'shardId'>;
  readonly onEvent?: (event: RunnerEvent) => void;
}

/** See the module doc. */
export class ShardRunner {
  readonly shardId: string;
  private readonly backend = new KeyedStateBackend();
  private readonly flight: InFlight = { n: 0 };
  private readonly input = new Subject<SourceRecord>();
  private chain: Subscription | undefined;
  private readonly records: Subscription;
  private queue: ShardBatch[] = [];
  private paused = true;
  private alive = true;
  private lastFed: number | undefined;
  private committed: number | undefined;
  private emitted = 0;
  /** Items not yet durable, by emission index (insertion order = index order). */
  private readonly outstanding = new Map<ResultItem, number>();
  private waiters: { upTo: number; resolve: () => void }[] = [];
  private barriers: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private readonly snapshots: IncrementalSnapshots;
  /** Parents' final objects only this shard needed: deleted after its first own commit. */
  private parentObjects: string[] = [];
  /** Resolves when the session is over and its last commit (if any) is done. */
  readonly done: Promise<void>;

  constructor(private readonly options: ShardRunnerOptions) {
    const { session } = options;
    this.shardId = session.shardId;
    this.snapshots = new IncrementalSnapshots(this.backend, {
      ...options.snapshots,
      shardId: this.shardId,
    });
    // subscribe at once: batches delivered while the state is restored wait in the queue
    this.records = session.records.subscribe((batch) => this.accept(batch));
    this.done = this.run();
  }

  /** False once the session ended or the runner was stopped. */
  get isAlive(): boolean {
    return this.alive;
  }

  /** Items emitted and not yet durable. */
  get pendingItems(): number {
    return this.outstanding.size;
  }

  /** An item of this runner is durable in every sink. */
  durable(item: ResultItem): void {
    if (!this.outstanding.delete(item)) return;
    this.settle();
  }

  /** Stops at once (worker shutting down after its deadline): nothing more is committed. */
  kill(): void {
    if (!this.alive) return;
    this.alive = false;
    if (this.timer) clearInterval(this.timer);
    this.records.unsubscribe();
    this.chain?.unsubscribe();
    this.outstanding.clear();
    this.queue = [];
    for (const w of this.waiters.splice(0)) w.resolve();
  }

  private async run(): Promise<void> {
    const { session, snapshotIntervalMs = 5_000, onEvent = () => {} } = this.options;
    try {
      await this.restore();
    } catch (error) {
      onEvent({ type: 'runner.error', shardId: this.shardId, error });
      this.kill();
      return;
    }
    this.chain = this.input
      .pipe(
        this.options.pipeline({
          state: this.backend,
          scheduler: this.options.scheduler,
          flight: this.flight,
        }),
      )
      .subscribe({
        next: (item) => {
          this.outstanding.set(item, this.emitted++);
          this.options.emit(item, this);
        },
        error: (error: unknown) => {
          onEvent({ type: 'runner.error', shardId: this.shardId, error });
          this.kill();
        },
      });
    this.paused = false;
    this.drain();
    this.timer = setInterval(() => void this.barrier(false), snapshotIntervalMs);
    const reason = await session.ended;
    clearInterval(this.timer);
    onEvent({ type: 'session.ended', shardId: this.shardId, reason });
    if (reason !== 'leaseLost') await this.barrier(reason === 'shardEnded');
    this.kill();
  }

  private async restore(): Promise<void> {
    const {
      session,
      store,
      onUnreadableSnapshot = 'start-empty',
      onEvent = () => {},
    } = this.options;
    const { from, parentObjects } = await restoreShardState({
      session,
      store,
      snapshots: this.snapshots,
      onUnreadableSnapshot,
      alive: () => this.alive,
      onDiscarded: (error) => onEvent({ type: 'snapshot.discarded', shardId: this.shardId, error }),
    });
    this.parentObjects.push(...parentObjects);
    onEvent({
      type: 'session.started',
      shardId: this.shardId,
      restoredFrom: from,
      keys: this.backend.keyCount(),
    });
  }

  private accept(batch: ShardBatch): void {
    if (!this.alive) return;
    if (this.paused) this.queue.push(batch);
    else this.feed(batch);
  }

  private feed(batch: ShardBatch): void {
    for (const record of batch.records) this.input.next(record);
    const last = batch.records.at(-1);
    if (last) this.lastFed = last.position.ordinal;
  }

  private drain(): void {
    while (!this.paused && this.alive && this.queue.length > 0)
      this.feed(this.queue.shift() as ShardBatch);
  }

  /** Cuts a barrier and commits it (serialized with earlier barriers). */
  private barrier(final: boolean): Promise<void> {
    this.barriers = this.barriers
      .then(() => this.cut(final))
      .catch((error: unknown) =>
        this.options.onEvent?.({ type: 'runner.error', shardId: this.shardId, error }),
      );
    return this.barriers;
  }

  private async cut(final: boolean): Promise<void> {
    if (!this.alive || (!final && this.lastFed === this.committed)) return;
    this.paused = true;
    const pausedAt = performance.now();
    while (this.flight.n > 0 && this.alive) await new Promise((r) => setTimeout(r, 5));
    const upTo = this.lastFed;
    // takes the keys changed since the last barrier (a full object at the shard's end)
    const capture = this.snapshots.capture(final, final);
    const before = this.emitted;
    const pauseMs = performance.now() - pausedAt;
    this.paused = false;
    this.drain();
    // encoded between batches, copy-on-write (a key fed meanwhile is encoded first)
    while (!capture.encodeSome(200)) await new Promise((r) => setImmediate(r));
    const keys = this.backend.keyCount();
    const bytes = await compressSnapshot(capture.json());
    await this.durableBefore(before);
    if (!this.alive) return;
    const ref = await retry(() => this.options.store.put(this.shardId, bytes), {
      retries: Number.MAX_SAFE_INTEGER,
      maxDelayMs: 5_000,
      shouldRetry: () => this.alive,
    });
    this.snapshots.written(capture, ref, bytes.byteLength);
    if (!this.alive) return;
    const named = await this.options.session.commit({
      ...(upTo !== undefined ? { upTo } : {}),
      state: ref,
      final,
    });
    this.committed = upTo;
    this.options.onEvent?.({
      type: 'snapshot.committed',
      shardId: this.shardId,
      bytes: bytes.byteLength,
      keys,
      final,
      kind: capture.kind,
      expired: capture.expired,
      pauseMs,
    });
    if (!named) return;
    // objects a committed full object superseded (never the chain the lease names)
    for (const old of [...this.snapshots.committed(ref), ...this.parentObjects.splice(0)])
      void this.options.store.delete(old).catch(() => undefined);
  }

  /** Resolves once every item emitted before index `upTo` is durable (or the runner died). */
  private durableBefore(upTo: number): Promise<void> {
    return new Promise((resolve) => {
      this.waiters.push({ upTo, resolve });
      this.settle();
    });
  }

  private settle(): void {
    const first = this.outstanding.values().next();
    const oldest = first.done ? Number.POSITIVE_INFINITY : first.value;
    const ready = this.waiters.filter((w) => !this.alive || oldest >= w.upTo);
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve();
  }
}
