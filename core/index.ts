/**
 * @module core
 * Pure foundations every folder may use: the error hierarchy, the retry helper, the one
 * clock and the one PRNG (both injected), the validated configuration, the resource
 * definitions, and the contracts (lineage, reading schema). No I/O here.
 */
export {
  ConfigError,
  describe,
  isRetriable,
  RetriableError,
  RetriesExhaustedError,
  ShardflowError,
} from './errors.js';
export type { ShardflowErrorOptions } from './errors.js';
export { backoffDelay, realSleep, retry } from './retry.js';
export type { BackoffOptions, RetryOptions } from './retry.js';
export { realClock, sleepOn, settle, VirtualClock } from './clock.js';
export {
  prng,
  seedOf,
  seedState,
  sfc32,
  sfc32Class,
  Sfc32,
  sfc32Word,
  sfc32Next,
  sfc32NextOpen,
} from './random.js';
export type { Prng, PrngFactory } from './random.js';
export type { Clock } from './clock.js';
export {
  configSchema,
  defaultNames,
  ENDPOINT_ENV_VARS,
  endpointsSchema,
  ENV_VARS,
  loadConfig,
} from './config.js';
export type { Config, ConfigFlags, Endpoints, ResourceNames } from './config.js';
export { resourcesFor, RESULT_KEYS } from './resources.js';
export type {
  DeliveryStreamResource,
  Resources,
  StreamResource,
  TableResource,
} from './resources.js';
export {
  DEAD_LETTER_REASONS,
  deadLetter,
  PositionSet,
  PositionSetBuilder,
  traced,
  tracedSource,
} from './lineage/index.js';
export type {
  DeadLetter,
  DeadLetterReason,
  OrdinalRange,
  Position,
  PositionRef,
  PositionSetJson,
  SourceRecord,
  Traced,
} from './lineage/index.js';
export {
  DEFAULT_MAX_FUTURE_SKEW_MS,
  DEVICE_MEASURES,
  deviceReadingSchema,
  futureTimeProblem,
  HOUSEHOLD_MEASURES,
  householdReadingSchema,
  implausibleMeasures,
  LEGACY_READING_ORDER,
  legacyReadingSchema,
  legacyToDevice,
  measuresOf,
  parseReading,
  partitionKeyOf,
  PLAUSIBLE_RANGES,
  readingKey,
  readingSchema,
  readingTime,
  readingValues,
  SERIES_ID_PATTERN,
  wireReadingSchema,
} from './schema/index.js';
export type {
  DeviceMeasure,
  DeviceReading,
  HouseholdMeasure,
  HouseholdReading,
  LegacyReading,
  ParseReadingResult,
  PlausibleRanges,
  Reading,
} from './schema/index.js';
