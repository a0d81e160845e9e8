/**
 * @module pipelines/devices
 * The devices (indoor air quality) pipeline: anomaly scores, anomalies and IAQ forecasts.
 */
export { createDevicePipeline, deviceSpec, WARM_FOREST } from './device-pipeline.js';
export type { DevicePipelineOptions } from './device-pipeline.js';
