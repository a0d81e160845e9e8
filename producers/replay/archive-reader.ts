/**
 * @module producers/replay/archive-reader
 * Reads the S3 archive Firehose wrote: lists the objects of a time range by the Firehose
 * key layout (by prefix, without a delimiter — s3rver omits deeper CommonPrefixes, see
 * EMULATORS.md), and fetches an object's text, gunzipping GZIP output whatever the
 * `ContentEncoding` says (S3 does not decompress transparently).
 */
import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { hourlyPrefixes, objectTime, sortByDelivery } from './archive-keys.js';

/** One archived object to replay. */
export interface ArchiveObject {
  readonly key: string;
  readonly size: number;
  readonly time: Date;
}

/** What {@link listArchive} found: objects in delivery order, and keys it could not place. */
export interface ArchiveListing {
  readonly objects: readonly ArchiveObject[];
  /** Keys under the prefixes whose names do not follow the Firehose naming. */
  readonly unrecognized: readonly string[];
}

/** Options of {@link listArchive}. */
export interface ListArchiveOptions {
  readonly bucket: string;
  /** Delivery stream prefix, e.g. `raw/`. */
  readonly prefix: string;
  readonly from: Date;
  readonly to: Date;
}

/** Lists the archive objects delivered in `[from, to)`, in delivery order. */
export async function listArchive(
  s3: S3Client,
  options: ListArchiveOptions,
): Promise<ArchiveListing> {
  const keys: { key: string; size: number }[] = [];
  for (const prefix of hourlyPrefixes(options.prefix, options.from, options.to)) {
    let token: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({
          Bucket: options.bucket,
          Prefix: prefix,
          ContinuationToken: token,
        }),
      );
      for (const o of page.Contents ?? []) if (o.Key) keys.push({ key: o.Key, size: o.Size ?? 0 });
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
  const sizes = new Map(keys.map((k) => [k.key, k.size]));
  const objects: ArchiveObject[] = [];
  const unrecognized: string[] = [];
  for (const key of sortByDelivery(keys.map((k) => k.key))) {
    const time = objectTime(key);
    if (!time) unrecognized.push(key);
    else if (time >= options.from && time < options.to)
      objects.push({ key, size: sizes.get(key) ?? 0, time });
  }
  return { objects, unrecognized };
}

/** Fetches an archived object as UTF-8 text, gunzipping it when it is GZIP data. */
export async function readArchiveObject(
  s3: S3Client,
  bucket: string,
  key: string,
): Promise<string> {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const bytes = Buffer.from((await out.Body?.transformToByteArray()) ?? new Uint8Array());
  const gzip = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  return (gzip ? gunzipSync(bytes) : bytes).toString('utf8');
}
