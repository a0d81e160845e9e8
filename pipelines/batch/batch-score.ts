/**
 * @module pipelines/batch/batch-score
 * Batch scoring of the lake, locally: the households table of an export (`shardflow export`
 * CSV) → per household, consecutive one-minute windows of global active power as the shipped
 * RCF model's features (its `pointDimensions` minutes; a window never spans a missing minute)
 * → the model server's batch transform code (`transformLines`: `SplitType=Line`,
 * `MaxPayloadInMB`, JSON lines) → one row per window with the keys of the stream's scores
 * (`time` = the window's last minute, `pipeline`, `key` = household), written per day to
 * `<base>scores_batch/dt=YYYY-MM-DD/scores_batch.csv` beside the export's `scores/`, and with
 * `lakePrefix` as Parquet into the lake beside the stream's scores (`lake/batch-output.ts`,
 * the same conversion the AWS job's output goes through).
 * The windows are also written as `<base>batch_input/windows.jsonl`, the input of the AWS
 * transform job (`transformJobRequest`). Re-running the same range overwrites the same objects.
 */
import { parseBatchOutput, writeBatchScores, type ExportTarget } from '../../lake/index.js';
import { transformLines, type Model } from '../../model-server/index.js';

/** Options of {@link batchScoreHouseholds}. */
export interface BatchScoreOptions {
  /** The households table's CSV files of an export. */
  readonly files: readonly string[];
  /** An RCF model (e.g. `loadModel('model-server/models/rcf', 'rcf')`). */
  readonly model: Model;
  /** Where the results go (the lake bucket, or a folder). */
  readonly target: ExportTarget;
  /** Key prefix of the results; default `lake/`. */
  readonly base?: string;
  /** The measure the windows are made of; default `globalActivePower`. */
  readonly measure?: string;
  readonly maxPayloadInMB?: number;
  /**
   * Also write the scores as Parquet into the lake at this prefix (`lake/` →
   * `lake/scores_batch/dt=…/scores_batch.parquet`, read by the Glue table `scores_batch`);
   * only for ranges of whole days, so a partial day never replaces a complete partition.
   */
  readonly lakePrefix?: string;
  /** After each request: windows scored so far and in all. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** What a batch scoring wrote. */
export interface BatchScoreSummary {
  readonly windows: number;
  readonly requests: number;
  readonly objects: readonly string[];
  /** The Parquet objects written into the lake (empty without `lakePrefix`). */
  readonly lakeObjects: readonly string[];
  /** The joined output lines, as the AWS job writes them (`<base>scores_batch_output/windows.jsonl.out`). */
  readonly output: string;
  /** The windows as batch transform input (`{time,pipeline,key,features}` lines), for `--aws`. */
  readonly input: string;
}

interface Window {
  readonly time: number;
  readonly key: string;
  readonly features: number[];
}

/** The windows of households CSV files (header `time,household,…`), per household in time order. */
export function householdWindows(
  files: readonly string[],
  measure: string,
  width: number,
): Window[] {
  const series = new Map<string, Map<number, number>>();
  for (const text of files) {
    const [header = '', ...lines] = text.split(/\r?\n/).filter((l) => l !== '');
    const names = header.split(',');
    const [t, h, m] = ['time', 'household', measure].map((n) => names.indexOf(n));
    if (t! < 0 || h! < 0 || m! < 0) throw new Error(`not a households export (header: ${header})`);
    for (const line of lines) {
      const cells = line.split(',');
      const value = cells[m!] === '' ? NaN : Number(cells[m!]);
      if (!Number.isFinite(value)) continue;
      const key = cells[h!]!;
      const points = series.get(key) ?? new Map<number, number>();
      series.set(key, points);
      points.set(Date.parse(cells[t!]!), value);
    }
  }
  const windows: Window[] = [];
  for (const [key, points] of [...series].sort(([a], [b]) => a.localeCompare(b))) {
    const times = [...points.keys()].sort((a, b) => a - b);
    for (let i = width - 1; i < times.length; i++) {
      const first = times[i - width + 1]!;
      if (times[i]! - first !== (width - 1) * 60_000) continue; // spans a missing minute
      windows.push({
        time: times[i]!,
        key,
        features: times.slice(i - width + 1, i + 1).map((x) => points.get(x)!),
      });
    }
  }
  return windows;
}

/** Scores an export's households with the RCF model as a batch transform would. */
export async function batchScoreHouseholds(options: BatchScoreOptions): Promise<BatchScoreSummary> {
  const { model, target, base = 'lake/', measure = 'globalActivePower', onProgress } = options;
  if (model.kind !== 'rcf') throw new Error(`batch scoring needs an RCF model, got ${model.kind}`);
  const windows = householdWindows(options.files, measure, model.forest.pointDimensions);
  const lines = windows.map((w) => JSON.stringify({ features: w.features }));
  const input = `${base}batch_input/windows.jsonl`;
  const inputLines = windows.map((w) =>
    JSON.stringify({
      time: new Date(w.time).toISOString(),
      pipeline: 'households',
      key: w.key,
      features: w.features,
    }),
  );
  await target.write(
    input,
    Buffer.from(inputLines.map((l) => `${l}\n`).join(''), 'utf8'),
    'application/jsonlines',
  );
  const scores: number[] = [];
  let requests = 0;
  for await (const part of transformLines(model, lines, {
    ...(options.maxPayloadInMB !== undefined ? { maxPayloadInMB: options.maxPayloadInMB } : {}),
  })) {
    for (const l of part.output) scores.push((JSON.parse(l) as { score: number }).score);
    requests += 1;
    onProgress?.(scores.length, windows.length);
  }
  // the output as the AWS job writes it (JoinSource=Input + OutputFilter), then the lake rows
  const output = `${base}scores_batch_output/windows.jsonl.out`;
  const joined = windows.map((w, i) =>
    JSON.stringify({
      time: new Date(w.time).toISOString(),
      pipeline: 'households',
      key: w.key,
      SageMakerOutput: { score: scores[i] },
    }),
  );
  await target.write(
    output,
    Buffer.from(joined.map((l) => `${l}\n`).join(''), 'utf8'),
    'application/jsonlines',
  );
  const { rows } = parseBatchOutput(joined.join('\n'));
  const objects = await writeBatchScores(target, rows, { base, format: 'csv' });
  const lakeObjects =
    options.lakePrefix !== undefined
      ? await writeBatchScores(target, rows, { base: options.lakePrefix })
      : [];
  return { windows: windows.length, requests, objects, lakeObjects, output, input };
}
