/**
 * @module pipelines/state
 * Keyed state of shard sessions: the pure backend (named per-key states with codecs), the
 * versioned snapshot format, hash-range filtering for resharding, and the snapshot store
 * (S3 by default). See docs/KEYED-STATE.md.
 */
export * from './keyed-state.js';
export * from './snapshot-codec.js';
export * from './hash-range.js';
export * from './snapshot-store.js';
