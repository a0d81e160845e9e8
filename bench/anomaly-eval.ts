/**
 * @module bench/anomaly-eval
 * The judging half of `bench:anomaly`: runs a labelled data set through `scoreAnomalies`
 * exactly as the pipeline feeds it (one window a minute per key, out-of-range readings as
 * dead letters, gaps of ≤ 5 minutes imputed linearly, longer ones starting a new look-back,
 * a shingle of 4 windows, the pipeline's forest `WARM_FOREST`, dropouts also judged on the
 * watermark while a key is silent), then matches events with
 * labels. An event is true when it overlaps a label of its key ([start − 1 min, end + 5 min]);
 * a label is found when a true event overlaps it, and its kind is NAMED as the kind of the
 * overlapping event that covers most of it (ties: the earliest); the delay is the time of
 * the window that first reported that event minus the label's start. The first day of each
 * set trains the models and is not judged.
 */
import { from, lastValueFrom, toArray } from 'rxjs';
import {
  PLAUSIBLE_RANGES,
  PositionSet,
  deadLetter,
  readingKey,
  readingTime,
} from '../core/index.js';
import {
  ANOMALY_KINDS,
  AnomalyDetector,
  RandomCutForest,
  type AnomalyEvent,
} from '../models/index.js';
import { isDeadLetter, type Flow } from '../operators/index.js';
import {
  outOfRangeMark,
  scoreAnomalies,
  watchSilence,
  type AnomalyScore,
  type KeyedModels,
} from '../operators/scoring/index.js';
import { WARM_FOREST } from '../pipelines/devices/index.js';
import type { DataSet } from './anomaly-data.js';

export const MIN = 60_000;
const DAY = 86_400_000;
export const SHINGLE = 4;
const MAX_GAP = 5;
/** Kinds of labels and events, in table order. */
export const KINDS: readonly string[] = ANOMALY_KINDS;

/** One window of a key, as the pipeline's look-back hands it to scoring. */
export interface Win {
  readonly key: string;
  readonly time: number;
  readonly imputed: boolean;
  readonly values: number[];
  readonly history: number[][];
}

/** The pipeline's front half for a data set: windows (with imputation) and range dead letters. */
export function windows(set: DataSet): Flow<Win>[] {
  const last = new Map<string, { time: number; values: number[]; history: number[][] }>();
  const out: Flow<Win>[] = [];
  let n = 0;
  const push = (key: string, time: number, values: number[], imputed: boolean) => {
    const s = last.get(key) as { time: number; values: number[]; history: number[][] };
    s.history = [...s.history.slice(1 - SHINGLE), values];
    out.push({
      value: { key, time, imputed, values, history: s.history },
      positions: PositionSet.single('s', n++),
    });
  };
  for (const r of set.readings) {
    const dead = outOfRangeMark(deadLetter('out-of-range', '', r, PositionSet.empty));
    if (dead) {
      out.push(deadLetter('out-of-range', '', r, PositionSet.single('s', n++)));
      continue;
    }
    const key = readingKey(r);
    const time = readingTime(r) - (readingTime(r) % MIN);
    const values = set.measures.map((m) => (r.readings as Record<string, number>)[m] as number);
    const s = last.get(key);
    if (!s) last.set(key, { time, values, history: [] });
    else {
      const missing = Math.round((time - s.time) / MIN) - 1;
      if (missing > MAX_GAP) s.history = [];
      else
        for (let j = 1; j <= missing; j += 1)
          push(
            key,
            s.time + j * MIN,
            s.values.map((v, i) => v + (j / (missing + 1)) * ((values[i] as number) - v)),
            true,
          );
      s.time = time;
      s.values = values;
    }
    push(key, time, values, false);
  }
  return out;
}

/** The forest features of a look-back: the last {@link SHINGLE} windows, oldest first. */
export const shingle = (h: readonly number[][]) =>
  Array.from(
    { length: SHINGLE },
    (_, i) => h[Math.max(0, h.length - SHINGLE + i)] as number[],
  ).flat();

/** A found event: its last state and the time of the window that first reported it. */
export interface Found {
  readonly key: string;
  readonly event: AnomalyEvent;
  readonly reported: number;
}

/**
 * Runs a data set through scoreAnomalies and watchSilence (dropouts judged on the watermark
 * while a key is silent, as in the pipeline); returns each event's last state and first report.
 */
export async function detect(set: DataSet): Promise<Found[]> {
  const forest = { ...WARM_FOREST, dimensions: set.measures.length * SHINGLE, seed: 1 };
  const forests = new Map<string, RandomCutForest>();
  const detectors = new Map<string, AnomalyDetector>();
  const models: KeyedModels = {
    forest: (k) =>
      forests.get(k) ?? (forests.set(k, new RandomCutForest(forest)).get(k) as RandomCutForest),
    detector: (k) =>
      detectors.get(k) ??
      (detectors
        .set(k, new AnomalyDetector({ measures: set.measures, ranges: PLAUSIBLE_RANGES }))
        .get(k) as AnomalyDetector),
  };
  type Silent = { silent: string; now: number; events: readonly AnomalyEvent[] };
  const out = await lastValueFrom(
    from(windows(set)).pipe(
      scoreAnomalies<Win>({
        key: (w) => w.key,
        features: (w) => shingle(w.history),
        measures: set.measures,
        window: (w) => ({ time: w.time, imputed: w.imputed, values: w.values }),
        forest,
        models,
      }),
      watchSilence<Flow<AnomalyScore<Win>>, Silent>({
        window: (e) =>
          isDeadLetter(e) ? undefined : { key: e.value.key, time: e.value.input.time },
        after: 5 * MIN,
        onSilent: (key, now) => {
          const events = models.detector(key).silence(now);
          return events.length ? [{ silent: key, now, events }] : [];
        },
      }),
      toArray(),
    ),
  );
  const events = new Map<string, Found>();
  const add = (key: string, time: number, evs: readonly AnomalyEvent[]) => {
    for (const e of evs) {
      const id = `${key}|${e.start}`;
      events.set(id, { key, event: e, reported: events.get(id)?.reported ?? time });
    }
  };
  for (const o of out) {
    if ('silent' in o) add(o.silent, o.now, o.events);
    else if (!isDeadLetter(o)) add(o.value.key, o.value.input.time, o.value.events);
  }
  return [...events.values()];
}

/** What one or more data sets scored: per label kind, the kinds named, and the false events. */
export interface Score {
  labels: number;
  events: number;
  trueEvents: number;
  /** confusion[labelled kind][named kind or 'missed'] = labels. */
  confusion: Record<string, Record<string, number>>;
  /** False events per named kind. */
  falseKinds: Record<string, number>;
  /** Detection delays (minutes) per labelled kind. */
  delays: Record<string, number[]>;
}

/** An empty {@link Score}. */
export function emptyScore(): Score {
  return {
    labels: 0,
    events: 0,
    trueEvents: 0,
    confusion: Object.fromEntries(KINDS.map((k) => [k, {}])),
    falseKinds: {},
    delays: Object.fromEntries(KINDS.map((k) => [k, []])),
  };
}

/** Adds the events found in `set` to `score`. */
export function judge(set: DataSet, found: readonly Found[], score: Score): Score {
  const judgedFrom = set.t0 + DAY;
  const span = (l: DataSet['labels'][number]) =>
    [Date.parse(l.start) - MIN, Date.parse(l.end) + 5 * MIN] as const;
  const overlap = (f: Found, l: DataSet['labels'][number]) => {
    if (f.key !== l.deviceId) return -1;
    const [a, b] = span(l);
    return Math.min(b, f.event.end + MIN) - Math.max(a, f.event.start);
  };
  for (const f of found) {
    if (f.event.start < judgedFrom) continue;
    score.events += 1;
    if (set.labels.some((l) => overlap(f, l) >= 0)) score.trueEvents += 1;
    else score.falseKinds[f.event.kind] = (score.falseKinds[f.event.kind] ?? 0) + 1;
  }
  for (const l of set.labels) {
    if (Date.parse(l.start) < judgedFrom) continue;
    score.labels += 1;
    const row = score.confusion[l.kind] as Record<string, number>;
    const hits = found
      .map((f) => ({ f, o: overlap(f, l) }))
      .filter((h) => h.o >= 0)
      .sort((x, y) => y.o - x.o || x.f.event.start - y.f.event.start);
    const best = hits[0];
    const named = best ? best.f.event.kind : 'missed';
    row[named] = (row[named] ?? 0) + 1;
    if (best)
      (score.delays[l.kind] as number[]).push(
        Math.max(0, (Math.min(...hits.map((h) => h.f.reported)) - Date.parse(l.start)) / MIN),
      );
  }
  return score;
}
