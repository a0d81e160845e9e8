/**
 * @module cli/dev/sources
 * The two producers of `shardflow dev`: the device simulator (with its labelled anomalies)
 * and the household replay of `data/household/`, both paced in accelerated simulated time
 * and put through one KPL-grade {@link KinesisProducer}. It keeps the actual value of each
 * forecast measure per key and minute (bounded), so the live view can set forecasts against
 * actuals. Invariant: `stop()` resolves only once the producer has delivered or failed every
 * record it accepted, so `stats()` is then final.
 */
import { existsSync } from 'node:fs';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { ConfigError, readingKey, readingTime, type Reading } from '../../core/index.js';
import {
  DeviceSimulator,
  KinesisProducer,
  householdEvents,
  loadHouseholdRows,
  paced,
  sdkWriter,
  type AnomalyLabel,
  type ProducerStats,
} from '../../producers/index.js';

const DAY = 86_400_000;

/** Options of {@link startDevSources}. */
export interface DevSourcesOptions {
  readonly kinesis: KinesisClient;
  readonly streamName: string;
  /** Device readings put per second (sets the acceleration of simulated time). */
  readonly rate: number;
  /** Simulated devices. */
  readonly devices: number;
  /** Household data file; skipped when absent. */
  readonly householdFile?: string;
  /** Households replayed (by time offset into the file). */
  readonly households?: number;
  /** Probability per device and simulated minute that an anomaly starts. */
  readonly anomalyRate?: number;
}

/** Running sources. */
export interface DevSources {
  /** Simulated seconds per real second. */
  readonly speed: number;
  /** Producer counters (final once `stop()` resolved). */
  stats(): ProducerStats;
  /** Injected anomalies so far (ground truth). */
  readonly labels: readonly AnomalyLabel[];
  /** The value put for `key` at the minute `iso` (iaq / globalActivePower), if still kept. */
  actual(key: string, iso: string): number | undefined;
  /** Stops both sources and drains the producer. */
  stop(): Promise<void>;
}

const KEEP_ACTUALS = 20_000;
/** Simulated minutes without injected faults at the start of a dev run (the detectors' warm-up). */
export const DEV_WARMUP_MINUTES = 120;

/** Starts both sources; see module doc. */
export function startDevSources(options: DevSourcesOptions): DevSources {
  const {
    kinesis,
    streamName,
    rate,
    devices,
    householdFile = 'data/household/household_power_2006-12-21_22.txt',
    households = 3,
    anomalyRate = 0.002,
  } = options;
  if (!(rate > 0) || !Number.isInteger(devices) || devices < 1)
    throw new ConfigError('--rate/--devices', 'rate must be > 0 and devices a positive integer');
  const speed = (rate * 60) / devices; // one reading per device per simulated minute
  const producer = new KinesisProducer({ writer: sdkWriter(kinesis, streamName) });
  const labels: AnomalyLabel[] = [];
  const actuals = new Map<string, number>();
  let stopped = false;
  const isStopped = () => stopped;
  const sim = new DeviceSimulator({
    devices,
    anomalyRate,
    // no fault before the detectors are warm (judged from ≈ 2 simulated hours: the forest
    // after ~40 windows, stuck after ~60, the daily-profile baseline after ~120): a fault in
    // a key's first hours cannot be told from its normal and would be counted as missed
    quietSteps: DEV_WARMUP_MINUTES,
    // a week behind the clock, so the accelerated simulation stays in the past for hours
    // (readings ahead of the ingest clock are future-timestamp dead letters)
    start: new Date(Math.floor(Date.now() / DAY) * DAY - 7 * DAY).toISOString(),
    onLabel: (l) => labels.push(l),
  });
  const feeds: Iterable<Reading>[] = [sim.readings()];
  if (existsSync(householdFile)) {
    const rows = loadHouseholdRows(householdFile);
    feeds.push(
      (function* () {
        for (const e of householdEvents(rows, { households, loops: 1_000 }))
          if (e.type === 'reading') yield e.reading;
      })(),
    );
  }
  const put = async (feed: Iterable<Reading>) => {
    for await (const reading of paced(feed, { timeOf: readingTime, speed, stopped: isStopped })) {
      await producer.writable();
      if (stopped) break;
      const key = readingKey(reading);
      const value =
        reading.kind === 'device' ? reading.readings.iaq : reading.readings.globalActivePower;
      actuals.set(`${key}|${new Date(readingTime(reading)).toISOString().slice(0, 16)}`, value);
      if (actuals.size > KEEP_ACTUALS) actuals.delete(actuals.keys().next().value as string);
      producer.put({ partitionKey: key, data: JSON.stringify(reading) }).catch(() => undefined);
    }
  };
  const running = Promise.all(feeds.map(put));
  return {
    speed,
    stats: () => producer.stats(),
    labels,
    actual: (key, iso) => actuals.get(`${key}|${iso.slice(0, 16)}`),
    async stop() {
      stopped = true;
      await running;
      await producer.close();
    },
  };
}
