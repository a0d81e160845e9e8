/**
 * @module models/forecast
 * Pure forecasters with the `(-1, 60) → (-1, 15)` signature: baselines (persistence,
 * moving average, seasonal naive, damped trend), a ridge-fitted linear AR model, boosted trees on
 * the key's other measures (multivariate), their JSON artefacts,
 * and the series/evaluation helpers.
 */
export { DEFAULT_INPUT_LENGTH, DEFAULT_HORIZON, checkWindows } from './forecaster.js';
export type { Forecaster, ForecasterArtefact, ForecastContext } from './forecaster.js';
export { dampedTrend, lastValue, movingAverage, seasonalNaive } from './baselines.js';
export type { BaselineOptions, DampedTrendOptions } from './baselines.js';
export { fitLinearAr, linearAr } from './linear-ar.js';
export type { LinearArOptions, LinearArArtefact } from './linear-ar.js';
export { fitBoosted, boostedTrees } from './boosted.js';
export type { BoostedArtefact, BoostedData, BoostedOptions, BoostedParameters } from './boosted.js';
export { fitGbt, predictGbt } from './gbt.js';
export type { GbtEnsemble, GbtOptions, GbtTree } from './gbt.js';
export { forecasterFromJson } from './artefact.js';
export { groupByKey, parseSeries, windowsOf, maePerHorizon } from './series.js';
export type { ParseSeriesOptions } from './series.js';
export { fitSeasonalProfile, hoursToMonthEnd, sameHourLastWeek } from './seasonal-profile.js';
export type { HourlySeries, SeasonalProfile, SeasonalProfileOptions } from './seasonal-profile.js';
export { ForecastSelector } from './selector.js';
export type { SelectorOptions, SelectorState, SelectedForecast } from './selector.js';
