/**
 * @module producers/replay
 * Replay of the S3 archive (Firehose key layout) back into a stream; the archive itself is
 * read by `adapters/archive-reader.ts`.
 */
export { replayArchive } from './replay.js';
export type {
  ReplayOptions,
  ReplaySummary,
  ReplayProgress,
  ReplayProblem,
  ReplayRecord,
} from './replay.js';
export { splitRecords } from './record-splitter.js';
export type { ArchivePiece } from './record-splitter.js';
export { eventTimeOf } from './event-time.js';
