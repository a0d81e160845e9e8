/**
 * @module pipelines/state
 * Keyed state of shard sessions: the pure backend (named per-key states with codecs), the
 * versioned snapshot format, hash-range filtering for resharding, and the snapshot store
 * (S3 by default). See docs/KEYED-STATE.md.
 */
export { jsonCodec, KeyedState, KeyedStateBackend } from './keyed-state.js';
export type { StateSnapshot, ValueCodec } from './keyed-state.js';
export { DEFAULT_STATE_TTL_MS, IncrementalSnapshots, mergeChain } from './incremental.js';
export type { Capture, IncrementalOptions } from './incremental.js';
export { readSnapshotChain } from './snapshot-chain.js';
export type { ChainState } from './snapshot-chain.js';
export {
  compressSnapshot,
  decodeSnapshot,
  encodeSnapshot,
  MIGRATIONS,
  snapshotJson,
  SNAPSHOT_FORMAT,
  SNAPSHOT_VERSION,
  SnapshotVersionError,
} from './snapshot-codec.js';
export type { ShardSnapshot } from './snapshot-codec.js';
export { inRange, keyInRange } from './hash-range.js';
export type { HashKeyRange } from './hash-range.js';
export { createS3SnapshotStore, MemorySnapshotStore } from './snapshot-store.js';
export type { S3SnapshotStoreOptions, SnapshotStore } from './snapshot-store.js';
