/**
 * @module pipelines/households
 * The households (power) pipeline: anomaly scores, anomalies, power forecasts and the daily
 * rest-of-the-month forecast.
 */
export { createHouseholdPipeline, householdSpec } from './household-pipeline.js';
export type { HouseholdPipelineOptions } from './household-pipeline.js';
export { MONTHLY_MEASURE, MONTHLY_MINUTES, monthlyForecast } from './monthly-forecast.js';
export type { HourlyState, MonthlyForecastOptions } from './monthly-forecast.js';
export { remoteForecast } from './remote-forecast.js';
export type {
  ForecastFormat,
  RemoteForecastOptions,
  RemoteForecastSpec,
} from './remote-forecast.js';
