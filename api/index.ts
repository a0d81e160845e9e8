/**
 * @module api
 * The query API and live dashboard of shardflow (`shardflow api`, also started by `npm run
 * dev`): the indoor-air project's routes and envelope over the readings, predictions and
 * anomalies tables, the ingest, server-sent stream health, and the dashboard's files.
 */
export { startApiServer } from './server.js';
export type { ApiServer, ApiServerOptions } from './server.js';
export { OPENAPI_DOCUMENT } from './openapi.js';
export { envelope } from './envelope.js';
export type { Envelope, Cell, Column, ColumnType, SourceFormat } from './envelope.js';
export { ApiError } from './api-error.js';
export { DEFAULT_LIMITS } from './params.js';
export type { QueryLimits } from './params.js';
export { parseMetrics, streamHealth } from './health-model.js';
export type { StreamHealth, ShardHealth } from './health-model.js';
export { explainByMeasure, strongestMeasure } from './explanation.js';
export type { MeasureAttribution } from './explanation.js';
