/**
 * @module consumers/consume
 * The RxJS face of the consumer: `consume(options)` wires the lease coordinator, shard sync,
 * readers and shard consumers of one worker, and exposes an Observable of per-shard record
 * batches plus `ack(PositionSet)` — or, for stateful processors, an Observable of
 * {@link ShardSession}s (one per lease, ended with a reason, committing an ordinal plus a
 * state reference). Subscribing starts the worker; `shutdown()` (or
 * unsubscribing) stops taking leases, stops reading, waits for acks until a deadline,
 * checkpoints and releases every lease. Invariant: ordinals are dense per shard and never
 * restart in this process; acks reach every session of their shard, each ignoring
 * ordinals that are not its own.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { Observable, Subject } from 'rxjs';
import { isRetriableAwsError } from '../adapters/index.js';
import { ConfigError, retry } from '../core/index.js';
import type { PositionSet } from '../core/index.js';
import { ensureStreamConsumer, FanOutReader } from './fanout-reader.js';
import type { ExtendedSequenceNumber, Lease } from './lease.js';
import { LeaseCoordinator, type CoordinatorEvent } from './lease-coordinator.js';
import { LeaseRefresher } from './lease-refresher.js';
import { PollingReader } from './polling-reader.js';
import {
  ShardConsumer,
  type ShardBatch,
  type ShardEvent,
  type ShardStatus,
} from './shard-consumer.js';
import type { ShardReader, StartingPosition } from './shard-reader.js';
import type { ShardSession } from './shard-session.js';
import { ShardSyncer, parentsDone, type InitialPosition } from './shard-sync.js';

/** How records are retrieved. */
export type Retrieval =
  | { readonly type: 'polling'; readonly limit?: number; readonly idleTimeMs?: number }
  | { readonly type: 'fanout'; readonly consumerName: string };

/** Named telemetry events of a consumer. */
export type ConsumerEvent =
  | ShardEvent
  | { readonly type: 'coordinator'; readonly event: CoordinatorEvent }
  | {
      readonly type: 'shard.stalled';
      readonly shardId: string;
      readonly reason: 'no-reads' | 'no-acks';
      readonly sinceMs: number;
    }
  | { readonly type: 'sync.failed'; readonly error: unknown };

/** Options of {@link consume}. */
export interface ConsumeOptions {
  readonly kinesis: KinesisClient;
  readonly dynamodb: DynamoDBClient;
  readonly streamName: string;
  readonly leaseTableName: string;
  readonly workerId: string;
  /** KCL failoverTimeMillis; default 10 s. */
  readonly failoverTimeMs?: number;
  readonly initialPosition?: InitialPosition;
  readonly retrieval?: Retrieval;
  /** A shard stops fetching while this many records are unacknowledged; default 10,000. */
  readonly maxUnackedPerShard?: number;
  /** Checkpoint after this many newly acked records; default 1,000. */
  readonly checkpointEvery?: number;
  /** Checkpoint at least this often when acks moved; default 5 s. */
  readonly checkpointIntervalMs?: number;
  /** ListShards sync period; default 30 s. */
  readonly shardSyncIntervalMs?: number;
  /** Take cycle period; default failoverTimeMs. */
  readonly takeIntervalMs?: number;
  readonly handoffTimeoutMs?: number;
  readonly maxLeasesForWorker?: number;
  readonly maxStealsPerCycle?: number;
  /** Warn when a processing shard had no successful read, or no ack progress, for this long; default 60 s. */
  readonly stallAfterMs?: number;
  /** Creates the lease table if missing; default true. */
  readonly createLeaseTable?: boolean;
  readonly onEvent?: (event: ConsumerEvent) => void;
  readonly now?: () => number;
}

/** A running (once subscribed) consumer worker. */
export interface Consumer {
  /** Per-shard batches; subscribe once. Completes after {@link Consumer.shutdown}. */
  readonly batches: Observable<ShardBatch>;
  /**
   * One {@link ShardSession} per lease, for processors that commit state with their
   * checkpoints (then SHARD_END waits for the session's final commit, not for every ack).
   * Subscribe once, instead of relying on {@link Consumer.ack}. Completes after shutdown.
   */
  readonly sessions: Observable<ShardSession>;
  /** Acknowledges positions (any shards, any order): their results are durable. */
  ack(positions: PositionSet): void;
  /** Graceful stop: drain until `deadlineMs` from now, checkpoint, release leases. */
  shutdown(deadlineMs?: number): Promise<void>;
  /** Status of every shard session of this worker. */
  shards(): ShardStatus[];
  /** Lease keys held now. */
  heldLeases(): string[];
  /**
   * The Kinesis position (sequence and sub-sequence number) of a delivered, not yet
   * checkpointed record, by its ordinal — to name a dead letter's source record.
   */
  positionOf(shardId: string, ordinal: number): ExtendedSequenceNumber | undefined;
}

/**
 * Creates a consumer worker for a stream.
 *
 * @example
 * const consumer = consume({ kinesis, dynamodb, streamName, leaseTableName, workerId });
 * consumer.batches.pipe(mergeMap(write)).subscribe((b) => consumer.ack(b.positions));
 */
export function consume(options: ConsumeOptions): Consumer {
  const {
    kinesis,
    dynamodb,
    streamName,
    leaseTableName,
    workerId,
    failoverTimeMs = 10_000,
    initialPosition = { type: 'TRIM_HORIZON' },
    retrieval = { type: 'polling' },
    maxUnackedPerShard = 10_000,
    checkpointEvery = 1_000,
    checkpointIntervalMs = 5_000,
    shardSyncIntervalMs = 30_000,
    stallAfterMs = 60_000,
    createLeaseTable = true,
    onEvent = () => {},
    now = Date.now,
  } = options;
  if (!streamName || !leaseTableName || !workerId) {
    throw new ConfigError('consumer', 'streamName, leaseTableName and workerId are required');
  }
  if (!(maxUnackedPerShard >= 1) || !(checkpointEvery >= 1) || !(checkpointIntervalMs > 0)) {
    throw new ConfigError(
      'consumer',
      'maxUnackedPerShard, checkpointEvery, checkpointIntervalMs must be positive',
    );
  }
  const refresher = new LeaseRefresher({ dynamodb, tableName: leaseTableName });
  const syncer = new ShardSyncer({ kinesis, streamName, refresher, initialPosition });
  // a shard session's start reads its parents' leases: a throttle or 5xx is retried
  const again = { shouldRetry: isRetriableAwsError };
  const getLease = (key: string) => retry(() => refresher.getLease(key), again);
  const subject = new Subject<ShardBatch>();
  const sessionSubject = new Subject<ShardSession>();
  let sessionCommits = false;
  const sessions = new Map<string, ShardConsumer[]>();
  const handoff = new Set<string>();
  const ordinals = new Map<string, number>();
  const stalled = new Set<string>();
  const timers: NodeJS.Timeout[] = [];
  let consumerArn: Promise<string> | undefined;
  let started = false;
  let stopping: Promise<void> | undefined;
  const atTimestamp =
    initialPosition.type === 'AT_TIMESTAMP' ? initialPosition.timestamp : undefined;

  const makeReader = (shardId: string, start: StartingPosition): ShardReader => {
    if (retrieval.type === 'polling') {
      return new PollingReader({
        kinesis,
        streamName,
        shardId,
        start,
        ...pick(retrieval, ['limit', 'idleTimeMs']),
      });
    }
    // registered once per worker; a throttle or 5xx is retried, and a failure is not kept
    const arn = (): Promise<string> => {
      if (consumerArn) return consumerArn;
      const name = retrieval.consumerName;
      const registered = retry(() => ensureStreamConsumer(kinesis, streamName, name), again);
      registered.catch(() => (consumerArn = undefined));
      return (consumerArn = registered);
    };
    void arn().catch(() => undefined); // starts registering now; read() reports a failure
    let inner: FanOutReader | undefined;
    return {
      async read(signal) {
        inner ??= new FanOutReader({
          kinesis,
          consumerArn: await arn(),
          shardId,
          start,
        });
        return inner.read(signal);
      },
      close: () => inner?.close(),
    };
  };

  const startShard = (lease: Lease) => {
    const key = lease.leaseKey;
    const shard: ShardConsumer = new ShardConsumer(
      {
        lease,
        makeReader: (start) => makeReader(key, start),
        parentsDone: async () => {
          if (lease.parentShardIds.length === 0) return true;
          const parents = await Promise.all(lease.parentShardIds.map(getLease));
          return parentsDone(
            lease,
            parents.filter((p): p is Lease => p !== undefined),
          );
        },
        checkpoint: (cp, children, state) => coordinator.checkpoint(key, cp, children, state),
        parentLeases: async () =>
          (await Promise.all(lease.parentShardIds.map(getLease))).filter(
            (p): p is Lease => p !== undefined,
          ),
        sessionStarted: (session) => sessionSubject.next(session),
        createChildLeases: (children) => syncer.createChildLeases(children),
        relinquish: () =>
          handoff.delete(key) ? coordinator.completeHandoff(key) : coordinator.release(key),
        finished: () => coordinator.finished(key),
        takeOrdinals: (count) => {
          const n = ordinals.get(key) ?? 0;
          ordinals.set(key, n + count);
          return n;
        },
        peekOrdinal: () => ordinals.get(key) ?? 0,
        emit: (batch) => subject.next(batch),
        onEvent,
      },
      {
        maxUnacked: maxUnackedPerShard,
        checkpointEvery,
        checkpointIntervalMs,
        parentPollMs: Math.min(1_000, failoverTimeMs / 3),
        now,
        sessionCommits,
        ...(atTimestamp ? { atTimestamp } : {}),
      },
    );
    sessions.set(key, [...(sessions.get(key) ?? []), shard]);
    void shard.run().then(() => {
      const rest = (sessions.get(key) ?? []).filter((s) => s !== shard);
      if (rest.length) sessions.set(key, rest);
      else sessions.delete(key);
    });
  };
  const current = (key: string) =>
    (sessions.get(key) ?? []).filter((s) => s.state !== 'done').at(-1);

  const coordinator = new LeaseCoordinator({
    refresher,
    workerId,
    failoverTimeMs,
    ...pick(options, [
      'takeIntervalMs',
      'handoffTimeoutMs',
      'maxLeasesForWorker',
      'maxStealsPerCycle',
    ]),
    now,
    onEvent: (event) => onEvent({ type: 'coordinator', event }),
    listener: {
      acquired: startShard,
      lost: (key) => current(key)?.leaseLost(),
      handoffRequested: (key) => {
        handoff.add(key);
        const shard = current(key);
        if (shard)
          shard.requestShutdown(now() + (options.handoffTimeoutMs ?? failoverTimeMs) * 0.5);
        else void coordinator.completeHandoff(key);
      },
    },
  });

  const sync = () =>
    syncer.sync().then(
      () => undefined,
      (error: unknown) => onEvent({ type: 'sync.failed', error }),
    );
  const checkStalls = () => {
    const t = now();
    for (const shards of sessions.values()) {
      for (const s of shards) {
        const st = s.status();
        if (st.state !== 'processing') continue;
        const noReads = t - (st.lastReadAt ?? t) > stallAfterMs;
        const noAcks =
          st.unacked > 0 && t - Math.max(st.lastAckAt ?? 0, st.lastRecordAt ?? 0) > stallAfterMs;
        if ((noReads || noAcks) && !stalled.has(s.shardId)) {
          stalled.add(s.shardId);
          onEvent({
            type: 'shard.stalled',
            shardId: s.shardId,
            reason: noReads ? 'no-reads' : 'no-acks',
            sinceMs: stallAfterMs,
          });
        } else if (!noReads && !noAcks) stalled.delete(s.shardId);
      }
    }
  };

  const start = async () => {
    if (createLeaseTable) await refresher.createTableIfNotExists();
    await syncer.prepare(); // one-line error if the table cannot serve this stream
    await sync();
    if (stopping) return;
    coordinator.start();
    timers.push(setInterval(() => void sync(), shardSyncIntervalMs));
    timers.push(setInterval(checkStalls, Math.max(100, Math.min(stallAfterMs / 4, 5_000))));
  };

  const shutdown = (deadlineMs = 30_000): Promise<void> => {
    stopping ??= (async () => {
      coordinator.stopTaking();
      for (const t of timers.splice(0)) clearInterval(t);
      const deadline = now() + deadlineMs * 0.8;
      const running = [...sessions.values()].flat();
      for (const s of running) s.requestShutdown(deadline);
      let deadlineTimer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        Promise.all(running.map((s) => waitDone(s))),
        new Promise((r) => (deadlineTimer = setTimeout(r, deadlineMs))),
      ]);
      // drained before the deadline: the timer must not keep the process alive
      clearTimeout(deadlineTimer);
      for (const key of coordinator.heldKeys())
        await coordinator.release(key).catch(() => undefined);
      coordinator.stop();
      subject.complete();
      sessionSubject.complete();
    })();
    return stopping;
  };

  const startOnce = () => {
    if (started) return;
    started = true;
    start().catch((error: unknown) => {
      subject.error(error);
      sessionSubject.error(error);
    });
  };
  const batches = new Observable<ShardBatch>((subscriber) => {
    const sub = subject.subscribe(subscriber);
    startOnce();
    return () => {
      sub.unsubscribe();
      void shutdown();
    };
  });
  const sessions$ = new Observable<ShardSession>((subscriber) => {
    sessionCommits = true;
    const sub = sessionSubject.subscribe(subscriber);
    startOnce();
    return () => {
      sub.unsubscribe();
      void shutdown();
    };
  });

  return {
    batches,
    sessions: sessions$,
    ack(positions) {
      for (const shardId of positions.shards())
        for (const s of sessions.get(shardId) ?? []) s.ack(positions);
    },
    shutdown,
    shards: () => [...sessions.values()].flat().map((s) => s.status()),
    heldLeases: () => coordinator.heldKeys(),
    positionOf(shardId, ordinal) {
      for (const s of sessions.get(shardId) ?? []) {
        const found = s.positionOf(ordinal);
        if (found) return found;
      }
      return undefined;
    },
  };
}

async function waitDone(shard: ShardConsumer): Promise<void> {
  while (shard.state !== 'done') await new Promise((r) => setTimeout(r, 20));
}

function pick<T extends object, K extends keyof T>(o: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
