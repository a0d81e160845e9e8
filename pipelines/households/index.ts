/**
 * @module pipelines/households
 * The households (power) pipeline: anomaly scores, anomalies and power forecasts.
 */
export { createHouseholdPipeline, householdSpec } from './household-pipeline.js';
export type { HouseholdPipelineOptions } from './household-pipeline.js';
