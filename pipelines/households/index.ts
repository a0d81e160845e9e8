/**
 * @module pipelines/households
 * The households (power) pipeline: anomaly scores, anomalies and power forecasts.
 */
export * from './household-pipeline.js';
