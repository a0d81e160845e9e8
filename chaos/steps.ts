/**
 * @module chaos/steps
 * Carries out the fault schedule and keeps the run's timeline: SIGKILL of a worker (its
 * shards and their checkpoints noted just before, a new incarnation started 2 s later),
 * SplitShard / MergeShards, sink and model endpoint outages through the fault proxies; and,
 * polled every second from the lease table, lease moves between live workers and the time
 * each parent shard reached SHARD_END. The timeline attributes duplicates; the fault ends
 * are where recovery is measured.
 */
import type { AwsClients } from '../adapters/index.js';
import { realSleep as sleep, type Config } from '../core/index.js';
import type { TimelineEvent } from './account.js';
import type { Faults, Service } from './faults.js';
import { readLeases, type LeaseView } from './observe.js';
import { mergeLastTwo, splitWidest } from './reshard.js';
import type { FaultStep } from './scenarios.js';
import type { Reshard } from './timing.js';
import type { Workers } from './workers.js';

/** A SIGKILL and what the victim held. */
export interface KillRecord {
  readonly label: string;
  readonly at: number;
  readonly shards: readonly string[];
  readonly checkpoints: Readonly<Record<string, string>>;
}

/** Options of {@link FaultRunner}. */
export interface FaultRunnerOptions {
  readonly aws: AwsClients;
  readonly config: Config;
  readonly workers: Workers;
  readonly faults: Faults;
  readonly say: (line: string) => void;
  /** Delay before a killed slot gets a new incarnation; default 2 s. */
  readonly restartAfterMs?: number;
}

/** See module doc. */
export class FaultRunner {
  readonly events: TimelineEvent[] = [];
  readonly kills: KillRecord[] = [];
  readonly reshards: Reshard[] = [];
  /** Fault ends (kill time, reshard time, outage end), where recovery is measured. */
  readonly recoveries: { label: string; at: number }[] = [];
  /** First time each shard's checkpoint was SHARD_END. */
  readonly shardEndAt: Record<string, number> = {};
  private readonly owners = new Map<string, string>();
  private t0 = Date.now();

  constructor(private readonly o: FaultRunnerOptions) {}

  /** Sets the time the schedule counts from. */
  start(t0: number): void {
    this.t0 = t0;
  }

  private rel(at: number): string {
    return `@+${((at - this.t0) / 1000).toFixed(0)}s`;
  }

  /** Adds an event to the timeline. */
  event(e: TimelineEvent): void {
    this.events.push(e);
  }

  /** Reads the lease table: notes SHARD_END times and lease moves between live workers. */
  async pollLeases(now = Date.now()): Promise<LeaseView[]> {
    const leases = await readLeases(this.o.aws, this.o.config.leaseTableName);
    const killed = new Set(this.o.workers.all.filter((w) => w.killed).map((w) => w.id));
    for (const l of leases) {
      if (l.checkpoint === 'SHARD_END') this.shardEndAt[l.shardId] ??= now;
      const before = this.owners.get(l.shardId);
      if (before && l.owner && before !== l.owner && !killed.has(before))
        this.event({ at: now, label: 'lease moved between live workers', shards: [l.shardId] });
      if (l.owner) this.owners.set(l.shardId, l.owner);
    }
    return leases;
  }

  /** Carries out one step. */
  async run(step: FaultStep): Promise<void> {
    try {
      switch (step.kind) {
        case 'kill':
          return await this.kill(step.slot);
        case 'split':
        case 'merge': {
          const r =
            step.kind === 'split'
              ? await splitWidest(this.o.aws, this.o.config.streamName)
              : await mergeLastTwo(this.o.aws, this.o.config.streamName);
          this.reshards.push(r);
          const label = `${r.kind} ${r.parents.join('+')} → ${r.children.join('+')} ${this.rel(r.at)}`;
          this.event({ at: r.at, label, shards: [...r.parents, ...r.children] });
          this.recoveries.push({ label, at: r.at });
          this.o.say(label);
          return;
        }
        case 'sink-down':
          return await this.outage(
            'firehose',
            'Firehose (results, dead letters) down',
            step.durationMs,
          );
        case 'model-down':
          return await this.outage('sagemakerRuntime', 'model endpoint down', step.durationMs);
      }
    } catch (error) {
      this.o.say(`fault ${step.kind} failed: ${String(error)}`);
    }
  }

  private async kill(slot: number): Promise<void> {
    const victim = this.o.workers.current(slot);
    if (!victim) return;
    const leases = await readLeases(this.o.aws, this.o.config.leaseTableName);
    const shards = leases
      .filter((l) => l.owner === victim.id && l.checkpoint !== 'SHARD_END')
      .map((l) => l.shardId);
    const checkpoints = Object.fromEntries(leases.map((l) => [l.shardId, l.checkpoint]));
    const at = Date.now();
    await this.o.workers.kill(slot);
    const label = `SIGKILL ${victim.id} ${this.rel(at)}`;
    this.kills.push({ label, at, shards, checkpoints });
    this.event({ at, label, shards });
    this.recoveries.push({ label, at });
    this.o.say(`${label} (held ${shards.join(', ') || 'nothing'})`);
    await sleep(this.o.restartAfterMs ?? 2_000);
    const next = await this.o.workers.restart(slot);
    this.o.say(`restarted slot ${slot + 1} as ${next.id}`);
  }

  private async outage(service: Service, what: string, ms: number): Promise<void> {
    const at = Date.now();
    this.o.faults.down(service);
    this.o.say(`${what} for ${(ms / 1000).toFixed(0)} s ${this.rel(at)}`);
    await sleep(ms);
    this.o.faults.up(service);
    const until = Date.now();
    const label = `${what} ${(ms / 1000).toFixed(0)} s ${this.rel(at)}`;
    this.event({ at, until, label, shards: [] });
    this.recoveries.push({ label: `${label}, from its return`, at: until });
    this.o.say(`${service} back ${this.rel(until)}`);
  }
}
