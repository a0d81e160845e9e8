/**
 * @module pipelines/devices
 * The devices (indoor air quality) pipeline: anomaly scores, anomalies and IAQ forecasts.
 */
export * from './device-pipeline.js';
