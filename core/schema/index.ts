/**
 * @module core/schema
 * Wire shapes of readings (zod), measure names and plausible ranges.
 */
export * from './measures.js';
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
  type DeviceReading,
  type HouseholdReading,
  type LegacyReading,
  type Reading,
  type ParseReadingResult,
} from './reading-schema.js';
