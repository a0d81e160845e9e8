/**
 * @module chaos/run
 * One chaos run: the embedded local cloud, a fault proxy per service, N worker processes of
 * `shardflow consume --pipeline both --remote-rcf`, the workload put minute by minute while
 * the selected faults happen on schedule, then a bounded wait until every record is durable,
 * a SIGTERM to every worker, and the accounting. Invariant: everything it started — cloud,
 * proxies, workers — is stopped before it returns or throws.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAwsClients, type AwsClients } from '../adapters/index.js';
import {
  ENDPOINT_ENV_VARS,
  loadConfig,
  realSleep as sleep,
  resourcesFor,
  type Config,
} from '../core/index.js';
import {
  bootstrapResources,
  withoutRawArchive,
  LOCAL_CREDENTIALS,
  startLocalCloud,
  type LocalCloud,
} from '../localstack/index.js';
import { scanTable } from '../test/helpers.js';
import { account, type SentRecord } from './account.js';
import { startFaults, type Faults, type Service } from './faults.js';
import { LakeReader, ReadCounter } from './observe.js';
import { putMinute } from './producer.js';
import type { ChaosReport } from './report.js';
import { planFaults, type Scenario } from './scenarios.js';
import { FaultRunner } from './steps.js';
import { catchUp, childStarts, missingForecasts, putDuring, rereadAfterKill } from './timing.js';
import { minuteRecords, seededRandom, workloadKeys } from './workload.js';
import { startWorkers, type Workers } from './workers.js';

/** Options of {@link runChaos}. */
export interface ChaosOptions {
  readonly scenarios: readonly Scenario[];
  readonly devices: number;
  readonly households: number;
  readonly minutes: number;
  /** Real milliseconds per simulated minute of production. */
  readonly minuteMs: number;
  readonly workers: number;
  readonly shards: number;
  readonly seed: number;
  /** Longest wait for everything to be durable after production. */
  readonly settleMs: number;
  /** The whole run's bound (cloud start to report). */
  readonly maxMs: number;
  /** The workers' checkpoint interval, to compare the re-read after a SIGKILL with. */
  readonly checkpointIntervalMs: number;
  /** Where logs and report.json go. */
  readonly outDir: string;
  readonly say: (line: string) => void;
}

/** Runs the suite once; see module doc. */
export async function runChaos(o: ChaosOptions): Promise<ChaosReport> {
  const started = Date.now();
  const bound = started + o.maxMs;
  mkdirSync(o.outDir, { recursive: true });
  const app = `chaos${started.toString(36)}`;
  let cloud: LocalCloud | undefined;
  let faults: Faults | undefined;
  let workers: Workers | undefined;
  let aws: AwsClients | undefined;
  let producerAws: AwsClients | undefined;
  try {
    o.say('starting the embedded local cloud …');
    cloud = await startLocalCloud({ bootstrap: false });
    const appEnv = { SHARDFLOW_APP: app, SHARDFLOW_SHARDS: String(o.shards) };
    const direct = { ...process.env, ...cloud.env, ...appEnv };
    const config: Config = loadConfig(direct);
    const credentials = {
      accessKeyId: LOCAL_CREDENTIALS.AWS_ACCESS_KEY_ID,
      secretAccessKey: LOCAL_CREDENTIALS.AWS_SECRET_ACCESS_KEY,
    };
    aws = createAwsClients(config, { credentials });
    const resources = resourcesFor(config);
    await bootstrapResources(aws, withoutRawArchive(resources), { deliveryStreams: true });
    faults = await startFaults(cloud.endpoints as Record<Service, string>);
    if (o.scenarios.includes('throttle')) faults.throttle(0.1);
    const proxied: Record<string, string> = {};
    for (const [service, url] of Object.entries(faults.endpoints))
      proxied[ENDPOINT_ENV_VARS[service as Service]] = url;
    const workerEnv = {
      ...direct,
      ...proxied,
      SHARDFLOW_FAILOVER_MS: process.env.SHARDFLOW_FAILOVER_MS ?? '3000',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    producerAws = createAwsClients(loadConfig(workerEnv), { credentials });
    workers = await startWorkers({
      count: o.workers,
      env: workerEnv,
      args: ['--remote-rcf'],
      logDir: o.outDir,
      drainDeadlineSeconds: 10,
    });
    const w = workers;
    o.say(`workers: ${w.all.map((i) => i.id).join(', ')} (logs in ${o.outDir})`);
    await waitHealthy(w, o.workers, Math.min(bound, Date.now() + 90_000));

    const reads = new ReadCounter();
    const lake = new LakeReader(aws, config.bucketName, cloud.endpoints.firehose);
    const runner = new FaultRunner({ aws, config, workers: w, faults, say: o.say });
    const sent: SentRecord[] = [];
    const keys = workloadKeys(o.devices, o.households);
    const random = seededRandom(o.seed);
    const rate = o.scenarios.includes('malformed') ? 0.01 : 0;
    const productionMs = o.minutes * o.minuteMs;
    const steps = planFaults(o.scenarios, { productionMs, workers: o.workers });

    // observation: metrics and leases every second, the lake every 3 s
    let observing = true;
    const observe = (async () => {
      let tick = 0;
      while (observing) {
        await Promise.all(
          w.all
            .filter((i) => i.exitCode() === null && !i.killed)
            .map((i) => reads.scrape(i.id, i.port)),
        );
        await runner.pollLeases().catch(() => undefined);
        if (tick++ % 3 === 0) await lake.collect().catch(() => undefined);
        await sleep(1_000);
      }
    })();

    o.say(
      `producing ${keys.length} keys × ${o.minutes} minutes over ${(productionMs / 1000).toFixed(0)} s; faults: ${steps.map((s) => `${s.kind}@${(s.at / 1000).toFixed(0)}s`).join(' ') || 'none'}`,
    );
    const t0 = Date.now();
    runner.start(t0);
    const faulting = Promise.all(steps.map((step) => sleep(step.at).then(() => runner.run(step))));
    for (let m = 0; m < o.minutes; m += 1) {
      const wait = t0 + m * o.minuteMs - Date.now();
      if (wait > 0) await sleep(wait);
      sent.push(
        ...(await putMinute(
          producerAws.kinesis,
          config.streamName,
          minuteRecords(keys, m, rate, random),
          bound,
        )),
      );
    }
    await faulting;
    o.say(
      `produced ${sent.length} records; waiting (≤ ${(o.settleMs / 1000).toFixed(0)} s) until every one is durable …`,
    );
    const settleEnd = Math.min(Date.now() + o.settleMs, bound - 60_000);
    let timedOut = false;
    for (;;) {
      await lake.collect().catch(() => undefined);
      const a = account({
        sent,
        scores: lake.scores,
        deadLetters: lake.deadLetters,
        checkpoints: {},
        events: [],
      });
      if (a.unprocessed.length === 0) break;
      if (Date.now() > settleEnd) {
        timedOut = Date.now() > bound - 60_000;
        o.say(`settle deadline: ${a.unprocessed.length} records not durable`);
        break;
      }
      await sleep(3_000);
    }
    o.say('stopping the workers (SIGTERM) …');
    runner.event({ at: Date.now(), label: 'final SIGTERM', shards: [] });
    const exits = await w.stop();
    observing = false;
    await observe;
    await lake.collect();
    const leases = await runner.pollLeases();
    const checkpoints = Object.fromEntries(leases.map((l) => [l.shardId, l.checkpoint]));
    const origins = new Set(
      (await scanTable(aws, config.predictionsTableName)).map(
        (r) => `${String(r.pk)}|${String(r.origin)}`,
      ),
    );
    writeFileSync(
      join(o.outDir, 'data.json'),
      JSON.stringify({
        sent,
        scores: lake.scores,
        deadLetters: lake.deadLetters,
        events: runner.events,
        checkpoints,
      }),
    );
    const accounting = account({
      sent,
      scores: lake.scores,
      deadLetters: lake.deadLetters,
      checkpoints,
      events: runner.events,
    });
    const { firstDurableAt, ...rest } = accounting;
    const faultFree =
      steps.length > 0
        ? Math.min(t0 + 0.1 * productionMs, t0 + (steps[0]?.at ?? 0) - 6_000)
        : t0 + 0.5 * productionMs;
    const baselineMs =
      faultFree > t0 + 3_000 ? catchUp(sent, firstDurableAt, faultFree).ms : undefined;
    const sources: Record<string, number> = {};
    for (const s of lake.scores)
      if (s.key.startsWith('h-')) sources[s.source ?? '?'] = (sources[s.source ?? '?'] ?? 0) + 1;
    const consumed = Object.values(reads.perShard()).reduce((a, b) => a + b, 0);
    return {
      scenarios: o.scenarios,
      startedAt: new Date(started).toISOString(),
      seconds: (Date.now() - started) / 1000,
      workload: {
        devices: o.devices,
        households: o.households,
        minutes: o.minutes,
        workers: o.workers,
        shards: o.shards,
      },
      accounting: rest,
      reads: { consumed, sent: sent.length },
      kills: runner.kills.map((k) => ({
        label: k.label,
        shards: k.shards,
        reread: rereadAfterKill(sent, k.shards, k.checkpoints, k.at),
        perInterval: putDuring(sent, k.shards, k.at, o.checkpointIntervalMs),
      })),
      checkpointIntervalMs: o.checkpointIntervalMs,
      childStarts: childStarts(
        runner.reshards,
        sent,
        runner.shardEndAt,
        reads.firstReadAt,
        firstDurableAt,
      ),
      recovery: runner.recoveries.map((r) => ({
        fault: r.label,
        ...catchUp(sent, firstDurableAt, r.at),
      })),
      ...(baselineMs === undefined ? {} : { baselineMs }),
      missingForecasts: missingForecasts(lake.scores, origins),
      scoreSources: sources,
      workers: w.all.map((i) => ({
        id: i.id,
        killed: i.killed,
        exit: exits.find((e) => e.id === i.id)?.code ?? null,
      })),
      proxies: faults.stats(),
      timedOut,
    };
  } finally {
    if (workers) await workers.stop().catch(() => undefined);
    await faults?.close().catch(() => undefined);
    aws?.destroy();
    producerAws?.destroy();
    await cloud?.stop().catch(() => undefined);
  }
}

/** Waits until `count` workers answer `/healthz`. */
async function waitHealthy(w: Workers, count: number, deadline: number): Promise<void> {
  for (;;) {
    const ok = await Promise.all(
      Array.from({ length: count }, async (_, slot) => {
        const i = w.current(slot);
        if (!i) return false;
        const res = await fetch(`http://127.0.0.1:${i.port}/healthz`).catch(() => undefined);
        return res !== undefined; // answering (healthy or not yet holding leases)
      }),
    );
    if (ok.every(Boolean)) return;
    const dead = w.all.find((i) => i.exitCode() !== null);
    if (dead)
      throw new Error(`worker ${dead.id} exited ${dead.exitCode()}:\n${w.logTail(dead.id, 12)}`);
    if (Date.now() > deadline) throw new Error('workers did not become healthy in time');
    await sleep(500);
  }
}
