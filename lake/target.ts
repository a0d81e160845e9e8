/**
 * @module lake/target
 * Where export files are written: an S3 bucket (the lake, for Athena) or a local folder.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

/** Writes one export object by key. */
export interface ExportTarget {
  /** A human-readable location, e.g. `s3://bucket/` or `/tmp/out/`. */
  readonly location: string;
  write(key: string, body: Uint8Array, contentType: string): Promise<void>;
}

/** Writes objects into an S3 bucket. */
export function s3Target(s3: S3Client, bucket: string): ExportTarget {
  return {
    location: `s3://${bucket}/`,
    async write(key, body, contentType) {
      await s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }),
      );
    },
  };
}

/** Writes objects as files under a local folder (keys become relative paths). */
export function dirTarget(root: string): ExportTarget {
  return {
    location: root.endsWith('/') ? root : `${root}/`,
    async write(key, body) {
      const path = join(root, ...key.split('/'));
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, body);
    },
  };
}
