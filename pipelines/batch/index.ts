/**
 * @module pipelines/batch
 * Batch scoring of exported lake files with the model server's batch transform code.
 */
export { batchScoreHouseholds, householdWindows } from './batch-score.js';
export { BATCH_SCORES_TABLE } from '../../lake/index.js';
export type { BatchScoreOptions, BatchScoreSummary } from './batch-score.js';
export { transformJobRequest } from './transform-job.js';
export type { TransformJobInput } from './transform-job.js';
export { collectTransformOutput } from './collect-output.js';
export type { CollectOutputOptions, CollectOutputSummary } from './collect-output.js';
