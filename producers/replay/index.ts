/**
 * @module producers/replay
 * Replay of the S3 archive (Firehose key layout) back into a stream.
 */
export { replayArchive } from './replay.js';
export type {
  ReplayOptions,
  ReplaySummary,
  ReplayProgress,
  ReplayProblem,
  ReplayRecord,
} from './replay.js';
export { listArchive, readArchiveObject } from './archive-reader.js';
export type {
  ArchiveObject,
  ArchiveListing,
  ListArchiveOptions,
  ListingProgress,
} from './archive-reader.js';
export { hourPrefix, keyRange, objectTime, sortByDelivery } from './archive-keys.js';
export type { KeyRange } from './archive-keys.js';
export { splitRecords } from './record-splitter.js';
export type { ArchivePiece } from './record-splitter.js';
export { eventTimeOf } from './event-time.js';
