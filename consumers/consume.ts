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
 * ordinals that are not its own. Its options, events and handle are in consume-types.ts,
 * the readers of a retrieval in retrieval-readers.ts, stall warnings in stall-watch.ts.
 */
import { Observable, Subject } from 'rxjs';
import { isRetriableAwsError } from '../adapters/index.js';
import { ConfigError, retry } from '../core/index.js';
import type { ConsumeOptions, Consumer } from './consume-types.js';
import type { Lease } from './lease.js';
import { LeaseCoordinator } from './lease-coordinator.js';
import { LeaseRefresher } from './lease-refresher.js';
import { pickDefined } from './pick-defined.js';
import { readerFactory } from './retrieval-readers.js';
import { ShardConsumer, type ShardBatch } from './shard-consumer.js';
import type { ShardSession } from './shard-session.js';
import { ShardSyncer, parentsDone } from './shard-sync.js';
import { StallWatch } from './stall-watch.js';

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
  const timers: NodeJS.Timeout[] = [];
  let started = false;
  let stopping: Promise<void> | undefined;
  const atTimestamp =
    initialPosition.type === 'AT_TIMESTAMP' ? initialPosition.timestamp : undefined;

  const makeReader = readerFactory({ kinesis, streamName, retrieval });

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
    ...pickDefined(options, [
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
  const stalls = new StallWatch({ stallAfterMs, now, onStalled: onEvent });
  const checkStalls = () => stalls.check([...sessions.values()].flat().map((s) => s.status()));

  const start = async () => {
    if (createLeaseTable) await refresher.createTableIfNotExists();
    await syncer.prepare(); // one-line error if the table cannot serve this stream
    await sync();
    if (stopping) return;
    coordinator.start();
    timers.push(setInterval(() => void sync(), shardSyncIntervalMs));
    timers.push(setInterval(checkStalls, stalls.periodMs));
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
