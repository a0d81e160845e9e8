/**
 * @module core/schema
 * Wire shapes of readings (zod), measure names, plausible ranges and the event-time bound.
 */
export * from './measures.js';
export * from './event-time.js';
export {
  deviceReadingSchema,
  householdReadingSchema,
  legacyReadingSchema,
  wireReadingSchema,
  readingSchema,
  legacyToDevice,
  parseReading,
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
