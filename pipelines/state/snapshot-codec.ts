/**
 * @module pipelines/state/snapshot-codec
 * The versioned byte format of a shard's keyed-state snapshot objects: gzip of one JSON
 * document `{ format: 'shardflow-keyed-state', version, shardId, kind, chain, states,
 * deleted }`. Version 2 (current) adds incremental objects: a `full` object holds every
 * key; a `delta` holds the keys changed since the previous object of its chain (`states`)
 * and the keys removed (`deleted`), and names the objects it builds on (`chain`: the full
 * base first, then the earlier deltas). Every reader checks the version explicitly: the
 * current version is decoded, an older one goes through the {@link MIGRATIONS} table
 * (1 → 2: a version-1 document is a full object), and a newer or unknown one is a
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
export const SNAPSHOT_VERSION = 2;

/** A decoded snapshot object. */
export interface ShardSnapshot {
  readonly format: typeof SNAPSHOT_FORMAT;
  readonly version: typeof SNAPSHOT_VERSION;
  /** The shard whose state this is. */
  readonly shardId: string;
  /** `full`: every key; `delta`: the changes since the previous object of `chain`. */
  readonly kind: 'full' | 'delta';
  /** References of the objects a delta builds on, the full base first (empty for `full`). */
  readonly chain: readonly string[];
  /** Values by state name and key (a delta: only the changed keys). */
  readonly states: StateSnapshot;
  /** Keys removed since the previous object, by state name (empty for `full`). */
  readonly deleted: Readonly<Record<string, readonly string[]>>;
  /**
   * A shard's final full object: the earlier objects of the shard it replaced (the lease
   * may still name them until SHARD_END lands), deleted with it by the child that can.
   */
  readonly superseded?: readonly string[];
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
 * version's document, so snapshots still named by leases stay readable after an upgrade.
 */
export const MIGRATIONS: Readonly<
  Record<number, (doc: Record<string, unknown>) => Record<string, unknown>>
> = {
  // version 1 wrote only full snapshots
  1: (doc) => ({ ...doc, version: 2, kind: 'full', chain: [], deleted: {} }),
};

/**
 * The snapshot document of `states` for `shardId` as JSON text. Serialising copies the state,
 * so a caller that pauses its state's updates only needs to pause for this step.
 */
export function snapshotJson(shardId: string, states: StateSnapshot): string {
  const doc: ShardSnapshot = {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    shardId,
    kind: 'full',
    chain: [],
    states,
    deleted: {},
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
  const object = (x: unknown) => x !== null && typeof x === 'object' && !Array.isArray(x);
  if (
    typeof doc.shardId !== 'string' ||
    !object(doc.states) ||
    !object(doc.deleted) ||
    !Array.isArray(doc.chain) ||
    !doc.chain.every((r) => typeof r === 'string') ||
    (doc.kind !== 'full' && doc.kind !== 'delta') ||
    (doc.kind === 'delta' && doc.chain.length === 0) ||
    (doc.superseded !== undefined &&
      !(Array.isArray(doc.superseded) && doc.superseded.every((r) => typeof r === 'string')))
  )
    throw new SnapshotVersionError(version, 'snapshot without shardId, kind, chain or states');
  return doc as unknown as ShardSnapshot;
}
