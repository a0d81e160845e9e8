/**
 * @module pipelines/batch/collect-output
 * The last step of batch scoring in AWS: once the transform job (`transformJobRequest`) has
 * written its joined output under `<exportPrefix>scores_batch_output/`, its lines become the
 * lake's `scores_batch` table — Parquet per day at `lake/scores_batch/dt=…/`, beside the
 * stream's scores, read by the Glue table `scores_batch` — through the same conversion the
 * local batch scoring uses (`lake/batch-output.ts`).
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { listObjects, readArchiveObject } from '../../adapters/index.js';
import {
  LAKE_PREFIX,
  parseBatchOutput,
  writeBatchScores,
  type ExportTarget,
} from '../../lake/index.js';

/** Options of {@link collectTransformOutput}. */
export interface CollectOutputOptions {
  readonly s3: S3Client;
  readonly bucket: string;
  /** The export's prefix (`export/<from>.<to>/`), whose `scores_batch_output/` the job wrote. */
  readonly exportPrefix: string;
  /** Where the lake objects go (`s3Target` of the bucket). */
  readonly target: ExportTarget;
  /** The lake prefix; default `lake/`. */
  readonly lakePrefix?: string;
}

/** What a collection found and wrote. */
export interface CollectOutputSummary {
  readonly files: number;
  readonly rows: number;
  /** Lines that were not joined score lines. */
  readonly unusable: number;
  readonly objects: readonly string[];
}

/**
 * Converts a finished transform job's output into the lake (see module doc).
 * @example `await collectTransformOutput({ s3, bucket, exportPrefix: 'export/2026-11-01.2026-11-08/', target })`
 */
export async function collectTransformOutput(
  options: CollectOutputOptions,
): Promise<CollectOutputSummary> {
  const { s3, bucket, exportPrefix, target, lakePrefix = LAKE_PREFIX } = options;
  const listed = await listObjects(s3, { bucket, prefix: `${exportPrefix}scores_batch_output/` });
  const files = listed.filter((o) => o.key.endsWith('.out'));
  let unusable = 0;
  const rows = [];
  for (const file of files) {
    const parsed = parseBatchOutput(await readArchiveObject(s3, bucket, file.key));
    rows.push(...parsed.rows);
    unusable += parsed.unusable;
  }
  const objects = await writeBatchScores(target, rows, { base: lakePrefix });
  return { files: files.length, rows: rows.length, unusable, objects };
}
