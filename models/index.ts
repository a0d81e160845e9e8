/**
 * @module models
 * Pure model algorithms: the streaming Random Cut Forest and the forecasters, with their
 * serialised forms. No RxJS, no I/O; the operators in `operators/scoring` call them.
 */
// rcf/index.ts lists its names explicitly (being extended now; list them here once it lands)
export * from './rcf/index.js';
export {
  checkWindows,
  DEFAULT_HORIZON,
  DEFAULT_INPUT_LENGTH,
  fitLinearAr,
  forecasterFromJson,
  ForecastSelector,
  lastValue,
  linearAr,
  maePerHorizon,
  movingAverage,
  parseSeries,
  seasonalNaive,
  windowsOf,
} from './forecast/index.js';
export type {
  BaselineOptions,
  Forecaster,
  ForecasterArtefact,
  LinearArArtefact,
  LinearArOptions,
  ParseSeriesOptions,
  SelectedForecast,
  SelectorOptions,
  SelectorState,
} from './forecast/index.js';
