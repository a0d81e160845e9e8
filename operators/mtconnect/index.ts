/**
 * @module operators/mtconnect
 * MTConnect: Streams JSON → flat observations, and the mapping file that picks and renames
 * data items per device type into long rows for `pivot`.
 */
export { decodeMtconnect } from './observations.js';
export type { MtCategory, MtDecoded, MtObservation, MtProblem } from './observations.js';
export {
  CONDITION_LEVELS,
  deviceTypeOf,
  mtMappingSchema,
  observationRow,
  parseMtMapping,
} from './mapping.js';
export type { MtDeviceType, MtMapping } from './mapping.js';
