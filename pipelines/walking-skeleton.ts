/**
 * @module pipelines/walking-skeleton
 * The smallest end-to-end run of shardflow's main job: put device readings (wire shape of
 * ARCHITECTURE.md, partition key = device id) into the stream and read every shard back,
 * checking each record decodes. It proves the plumbing (endpoints, credentials, HTTP/1.1
 * Kinesis, shard iteration) that the real producer, consumer and operators replace.
 * Invariant: it reports `read < put` rather than hiding a loss.
 */
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  PutRecordsCommand,
  type PutRecordsRequestEntry,
} from '@aws-sdk/client-kinesis';
import type { AwsClients } from '../adapters/index.js';

/** Options of {@link runWalkingSkeleton}. */
export interface SkeletonOptions {
  readonly clients: AwsClients;
  readonly streamName: string;
  /** Readings per second. */
  readonly rate: number;
  readonly devices: number;
  /** Stops producing when aborted; reading continues until everything put was read (≤ 15 s). */
  readonly signal: AbortSignal;
  readonly onProgress?: (line: string) => void;
}

/** What a run did. */
export interface SkeletonSummary {
  readonly put: number;
  readonly read: number;
  readonly invalid: number;
  readonly shards: number;
  readonly seconds: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A deterministic indoor-air reading for device `d` at minute `m` (daily cycle plus wobble). */
export function simulatedReading(d: number, m: number, at: Date): Record<string, unknown> {
  const day = Math.sin((2 * Math.PI * (m % 1440)) / 1440);
  const wobble = Math.sin(m * 0.37 + d) * 0.5;
  return {
    kind: 'device',
    deviceId: `dev-${String(d).padStart(4, '0')}`,
    ts: at.toISOString(),
    readings: {
      iaq: round(50 + 20 * day + 5 * wobble),
      temperature: round(21 + 2 * day + wobble),
      humidity: round(40 + 5 * day),
      voc: round(0.5 + 0.2 * day),
      pressure: round(1013 + wobble),
      co2: Math.round(600 + 150 * day + 20 * wobble),
    },
  };
}
const round = (x: number) => Math.round(x * 100) / 100;

/** Puts simulated readings and reads them back from every shard until aborted and drained. */
export async function runWalkingSkeleton(options: SkeletonOptions): Promise<SkeletonSummary> {
  const { clients, streamName, rate, devices, signal, onProgress } = options;
  const started = Date.now();
  const shards =
    (await clients.kinesis.send(new ListShardsCommand({ StreamName: streamName }))).Shards ?? [];
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let put = 0;
  let read = 0;
  let invalid = 0;
  let producing = true;
  let stoppedAt: number | undefined;
  const done = () => !producing && read >= put;

  const producer = (async () => {
    let minute = 0;
    const simStart = Date.UTC(2026, 10, 23, 0, 0, 0);
    while (!signal.aborted) {
      const tick = Date.now();
      const entries: PutRecordsRequestEntry[] = [];
      for (let i = 0; i < rate && entries.length < 500; i += 1) {
        const d = (minute * rate + i) % devices;
        const reading = simulatedReading(
          d,
          minute,
          new Date(simStart + (minute * rate + i) * 1000),
        );
        const body = JSON.stringify(reading);
        sentAt.set(body, Date.now());
        entries.push({ PartitionKey: String(reading.deviceId), Data: Buffer.from(body) });
      }
      minute += 1;
      let pending = entries;
      while (pending.length > 0) {
        const out = await clients.kinesis.send(
          new PutRecordsCommand({ StreamName: streamName, Records: pending }),
        );
        const failed = pending.filter((_, i) => out.Records?.[i]?.ErrorCode);
        put += pending.length - failed.length;
        pending = failed;
        if (failed.length > 0) await sleep(200);
      }
      await sleep(Math.max(0, 1000 - (Date.now() - tick)));
    }
    producing = false;
  })();

  const readers = shards.map(async (shard) => {
    let iterator = (
      await clients.kinesis.send(
        new GetShardIteratorCommand({
          StreamName: streamName,
          ShardId: shard.ShardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      )
    ).ShardIterator;
    const drainDeadline = () => Date.now() > (stoppedAt ?? Infinity) + 15_000;
    while (iterator && !(done() || drainDeadline())) {
      const out = await clients.kinesis.send(
        new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }),
      );
      for (const record of out.Records ?? []) {
        const body = Buffer.from(record.Data ?? []).toString('utf8');
        try {
          const value = JSON.parse(body) as { kind?: unknown };
          if (value.kind !== 'device') invalid += 1;
        } catch {
          invalid += 1;
        }
        const at = sentAt.get(body);
        if (at !== undefined) latencies.push(Date.now() - at);
        read += 1;
      }
      iterator = out.NextShardIterator;
      if ((out.Records ?? []).length === 0) await sleep(250);
    }
  });
  const ticker = setInterval(() => {
    const s = (Date.now() - started) / 1000;
    onProgress?.(
      `${s.toFixed(0)} s · put ${put} (${(put / s).toFixed(0)}/s) · read ${read} · behind ${put - read} · ${shards.length} shards`,
    );
  }, 2000);
  try {
    await producer;
    stoppedAt = Date.now();
    await Promise.all(readers);
  } finally {
    clearInterval(ticker);
  }
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
  return {
    put,
    read,
    invalid,
    shards: shards.length,
    seconds: (Date.now() - started) / 1000,
    latencyP50Ms: pct(0.5),
    latencyP99Ms: pct(0.99),
  };
}
