/**
 * @module core/schema
 * Wire shapes of readings (zod), measure names, plausible ranges and the event-time bound.
 */
export {
  DEVICE_MEASURES,
  HOUSEHOLD_MEASURES,
  implausibleMeasures,
  LEGACY_READING_ORDER,
  PLAUSIBLE_RANGES,
} from './measures.js';
export type { DeviceMeasure, HouseholdMeasure, PlausibleRanges } from './measures.js';
export { DEFAULT_MAX_FUTURE_SKEW_MS, futureTimeProblem } from './event-time.js';
export {
  deviceReadingSchema,
  householdReadingSchema,
  legacyReadingSchema,
  wireReadingSchema,
  readingSchema,
  legacyToDevice,
  parseReading,
  partitionKeyOf,
  readingKey,
  readingTime,
  readingValues,
  measuresOf,
  SERIES_ID_PATTERN,
  type DeviceReading,
  type HouseholdReading,
  type LegacyReading,
  type Reading,
  type ParseReadingResult,
} from './reading-schema.js';
