/**
 * @module pipelines/state/snapshot-store
 * Where shard snapshots live, behind a narrow interface so S3 (the default), DynamoDB or
 * another store can serve: `put` writes one immutable object per snapshot and returns its
 * reference (stored on the lease next to the checkpoint), `get` reads it back, `delete`
 * drops a superseded one. Every snapshot gets a fresh object name, so a worker that lost
 * its lease can never overwrite the snapshot the live owner's checkpoint names.
 */
import { randomUUID } from 'node:crypto';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';

/** A durable store of snapshot bytes. */
export interface SnapshotStore {
  /** Writes a new snapshot object of `shardId`; resolves with its reference once durable. */
  put(shardId: string, bytes: Uint8Array): Promise<string>;
  /** Reads the snapshot named by `ref`. */
  get(ref: string): Promise<Uint8Array>;
  /** Deletes a snapshot no lease names any more (best effort). */
  delete(ref: string): Promise<void>;
}

/** Options of {@link createS3SnapshotStore}. */
export interface S3SnapshotStoreOptions {
  readonly s3: S3Client;
  readonly bucket: string;
  /** Key prefix; default `state/`. */
  readonly prefix?: string;
}

/**
 * Snapshots as S3 objects `<prefix><shardId>/<time>-<uuid>.json.gz`; the reference is the
 * `s3://bucket/key` URI.
 * @example `createS3SnapshotStore({ s3: aws.s3, bucket: config.bucketName })`
 */
export function createS3SnapshotStore(options: S3SnapshotStoreOptions): SnapshotStore {
  const { s3, bucket, prefix = 'state/' } = options;
  const keyOf = (ref: string): string => {
    const head = `s3://${bucket}/`;
    if (!ref.startsWith(head)) throw new Error(`snapshot ${ref} is not in bucket ${bucket}`);
    return ref.slice(head.length);
  };
  return {
    async put(shardId, bytes) {
      const key = `${prefix}${shardId}/${Date.now().toString(36)}-${randomUUID()}.json.gz`;
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: bytes,
          ContentType: 'application/json',
          ContentEncoding: 'gzip',
        }),
      );
      return `s3://${bucket}/${key}`;
    },
    async get(ref) {
      const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: keyOf(ref) }));
      if (!out.Body) throw new Error(`snapshot ${ref} has no body`);
      return out.Body.transformToByteArray();
    },
    async delete(ref) {
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: keyOf(ref) }));
    },
  };
}

/**
 * An in-process store (tests, benchmarks, single-process runs): the same contract, no
 * durability across processes.
 */
export class MemorySnapshotStore implements SnapshotStore {
  readonly objects = new Map<string, Uint8Array>();
  private n = 0;

  async put(shardId: string, bytes: Uint8Array): Promise<string> {
    const ref = `memory://${shardId}/${(this.n += 1)}`;
    this.objects.set(ref, bytes);
    return ref;
  }

  async get(ref: string): Promise<Uint8Array> {
    const bytes = this.objects.get(ref);
    if (!bytes) throw new Error(`no snapshot ${ref}`);
    return bytes;
  }

  async delete(ref: string): Promise<void> {
    this.objects.delete(ref);
  }
}
