/**
 * @module pipelines/runtime/shard-chains
 * Turns the consumer's per-shard batches into pipeline input: one independent chain per
 * shard session, so each shard has its own watermark and windows (a shard replayed from an
 * old checkpoint after failover must not look "late" against another shard's event time).
 * A chain is abandoned — unsubscribed, NOT completed, so open windows are dropped rather
 * than flushed as partial results — when its lease is lost or the shard is delivered again
 * from an earlier sequence number (the lease came back and replays from its checkpoint);
 * the replay then rebuilds the windows in a fresh chain. Invariant: records of one shard
 * reach its chain in delivery order, and a chain never sees a sequence number twice.
 */
import { Observable, Subject, Subscription } from 'rxjs';
import type { ShardBatch } from '../../consumers/index.js';
import type { SourceRecord } from '../../core/index.js';
import type { AckLedger } from './ack-ledger.js';
import type { ShardPipeline } from './pipeline.js';
import type { ResultItem } from './result-item.js';

interface Chain {
  readonly input: Subject<SourceRecord>;
  readonly subscription: Subscription;
  last: { seq: bigint; sub: number };
}

/** Named events of {@link ShardChains}. */
export type ShardChainEvent =
  | { readonly type: 'chain.started'; readonly shardId: string }
  | { readonly type: 'chain.abandoned'; readonly shardId: string; readonly reason: string };

/** Options of {@link ShardChains}. */
export interface ShardChainsOptions {
  /** Builds a fresh chain for a shard session. */
  readonly pipeline: (shardId: string) => ShardPipeline;
  readonly ledger: AckLedger;
  readonly onEvent?: (event: ShardChainEvent) => void;
}

const after = (a: { seq: bigint; sub: number }, b: { seq: bigint; sub: number }) =>
  a.seq > b.seq || (a.seq === b.seq && a.sub > b.sub);

/**
 * Dispatches batches to per-shard chains and merges their items into {@link items}.
 *
 * @example
 * ```ts
 * const chains = new ShardChains({ pipeline: () => createDevicePipeline({}, ctx), ledger });
 * chains.items.pipe(writeResults({ sinks, ledger })).subscribe();
 * consumer.batches.subscribe((b) => chains.push(b));
 * ```
 */
export class ShardChains {
  private readonly chains = new Map<string, Chain>();
  private closed = false;
  private readonly out = new Subject<ResultItem>();
  /** Items of every chain, in per-shard order. Completes after {@link close}. */
  readonly items: Observable<ResultItem> = this.out.asObservable();

  constructor(private readonly options: ShardChainsOptions) {}

  /** Feeds one batch to its shard's chain (starting or restarting the chain as needed). */
  push(batch: ShardBatch): void {
    if (batch.records.length === 0) return;
    const first = batch.records[0] as SourceRecord;
    const at = {
      seq: BigInt(first.position.sequenceNumber),
      sub: first.position.subSequenceNumber,
    };
    let chain = this.chains.get(batch.shardId);
    if (chain && !after(at, chain.last)) {
      this.abandon(batch.shardId, 'redelivered from an earlier sequence number');
      chain = undefined;
    }
    chain ??= this.start(batch.shardId);
    for (const record of batch.records) {
      const p = record.position;
      chain.last = { seq: BigInt(p.sequenceNumber), sub: p.subSequenceNumber };
      chain.input.next(record);
    }
  }

  /**
   * Drops a shard's chain and its open state (lease lost, or replay). `forget` also drops the
   * chain's claims from the ledger; without it, items already on their way to the sinks still
   * acknowledge their positions when durable (a worker shutting down).
   */
  abandon(shardId: string, reason: string, forget = true): void {
    const chain = this.chains.get(shardId);
    if (!chain) return;
    this.chains.delete(shardId);
    chain.subscription.unsubscribe();
    if (forget) this.options.ledger.forgetShard(shardId);
    this.options.onEvent?.({ type: 'chain.abandoned', shardId, reason });
  }

  /** Shards with a running chain. */
  shards(): string[] {
    return [...this.chains.keys()];
  }

  /**
   * Ends the dispatcher. `flush: true` completes every chain (open windows fire — for finite
   * inputs and tests); `false` abandons them (a worker shutting down: the next owner replays).
   */
  close(flush: boolean): void {
    this.closed = true;
    for (const [shardId, chain] of [...this.chains]) {
      if (flush) chain.input.complete();
      else this.abandon(shardId, 'shutdown', false);
    }
    this.maybeComplete();
  }

  private maybeComplete(): void {
    if (this.closed && this.chains.size === 0) this.out.complete();
  }

  private start(shardId: string): Chain {
    const input = new Subject<SourceRecord>();
    const chain: Chain = {
      input,
      subscription: new Subscription(),
      last: { seq: -1n, sub: -1 },
    };
    this.chains.set(shardId, chain);
    chain.subscription.add(
      input.pipe(this.options.pipeline(shardId)).subscribe({
        next: (item) => this.out.next(item),
        error: (error: unknown) => this.out.error(error),
        complete: () => {
          if (this.chains.get(shardId) === chain) this.chains.delete(shardId);
          this.maybeComplete();
        },
      }),
    );
    this.options.onEvent?.({ type: 'chain.started', shardId });
    return chain;
  }
}
