/**
 * @module pipelines/state/snapshot-codec
 * The versioned byte format of a shard's keyed-state snapshot: gzip of one JSON document
 * `{ format: 'shardflow-keyed-state', version, shardId, states }`. Every reader checks the
 * version explicitly: the current version is decoded, an older one goes through a migration
 * (none exist yet: version 1 is the first), and a newer or unknown one is a
 * {@link SnapshotVersionError} — never silently read as something else. Pure (zlib is
 * computation, not I/O).
 */
import { promisify } from 'node:util';
import { gunzipSync, gzip, gzipSync } from 'node:zlib';
import { ShardflowError } from '../../core/index.js';
import type { StateSnapshot } from './keyed-state.js';

/** The format tag of a snapshot document. */
export const SNAPSHOT_FORMAT = 'shardflow-keyed-state';
/** The version this code writes. */
export const SNAPSHOT_VERSION = 1;

/** A decoded snapshot. */
export interface ShardSnapshot {
  readonly format: typeof SNAPSHOT_FORMAT;
  readonly version: typeof SNAPSHOT_VERSION;
  /** The shard whose state this is. */
  readonly shardId: string;
  readonly states: StateSnapshot;
}

/** A snapshot this code cannot read (unknown format, newer or unmigratable version, corrupt). */
export class SnapshotVersionError extends ShardflowError {
  /** The version found, if any. */
  readonly found: unknown;
  constructor(found: unknown, message: string) {
    super('SNAPSHOT_VERSION', message);
    this.found = found;
  }
}

/**
 * Migrations from older versions, by the version they read: each returns the next
 * version's document. Version 1 is the first, so there are none; a version-2 change adds
 * `1: (doc) => …` here instead of breaking version-1 snapshots still named by leases.
 */
const MIGRATIONS: Readonly<
  Record<number, (doc: Record<string, unknown>) => Record<string, unknown>>
> = {};

/**
 * The snapshot document of `states` for `shardId` as JSON text. Serialising copies the state,
 * so a caller that pauses its state's updates only needs to pause for this step.
 */
export function snapshotJson(shardId: string, states: StateSnapshot): string {
  const doc: ShardSnapshot = {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    shardId,
    states,
  };
  return JSON.stringify(doc);
}

/** Encodes a snapshot of `states` for `shardId` (JSON, then gzip). */
export function encodeSnapshot(shardId: string, states: StateSnapshot): Uint8Array {
  return gzipSync(snapshotJson(shardId, states));
}

/** Compresses {@link snapshotJson} output off the event loop (zlib's thread pool). */
export function compressSnapshot(json: string): Promise<Uint8Array> {
  return promisify(gzip)(json);
}

/** Decodes a snapshot, migrating older versions; throws {@link SnapshotVersionError}. */
export function decodeSnapshot(bytes: Uint8Array): ShardSnapshot {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(gunzipSync(bytes).toString('utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new SnapshotVersionError(undefined, `snapshot is not gzip JSON: ${String(error)}`);
  }
  if (doc === null || typeof doc !== 'object' || doc.format !== SNAPSHOT_FORMAT)
    throw new SnapshotVersionError(undefined, `not a ${SNAPSHOT_FORMAT} document`);
  let version = doc.version;
  while (typeof version === 'number' && version < SNAPSHOT_VERSION) {
    const migrate = MIGRATIONS[version];
    if (!migrate)
      throw new SnapshotVersionError(version, `snapshot version ${version} has no migration`);
    doc = migrate(doc);
    version = doc.version;
  }
  if (version !== SNAPSHOT_VERSION)
    throw new SnapshotVersionError(
      version,
      `snapshot version ${String(version)} is not readable by version ${SNAPSHOT_VERSION}`,
    );
  if (typeof doc.shardId !== 'string' || doc.states === null || typeof doc.states !== 'object')
    throw new SnapshotVersionError(version, 'snapshot without shardId or states');
  return doc as unknown as ShardSnapshot;
}
