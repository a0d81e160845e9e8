/**
 * @module adapters/archive-reader
 * The one reader of what Firehose (or anyone) archived in S3 — used by replay, the lake
 * export, the dead-letter view, model training and the chaos observer: lists the objects
 * under a prefix in key order ({@link listObjects}), or the objects of a time range as one key range
 * of the Firehose layout (`StartAfter` the first hour folder, stopping at the first key past
 * the last one — no delimiter, which s3rver does not honour below the first level),
 * reporting progress per page and honouring an abort signal between and
 * during requests; and fetches an object's text, gunzipping GZIP output whatever the
 * `ContentEncoding` says (S3 does not decompress transparently).
 */
import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { keyRange, objectTime, sortByDelivery } from './archive-keys.js';

/** One archived object to replay. */
export interface ArchiveObject {
  readonly key: string;
  readonly size: number;
  readonly time: Date;
}

/** What {@link listArchive} found: objects in delivery order, and keys it could not place. */
export interface ArchiveListing {
  readonly objects: readonly ArchiveObject[];
  /** Keys in the range whose names do not follow the Firehose naming. */
  readonly unrecognized: readonly string[];
  /** True when the signal stopped the listing (the lists are then partial). */
  readonly aborted: boolean;
}

/** Progress of a listing, after each page. */
export interface ListingProgress {
  readonly pages: number;
  /** Keys seen so far in the range. */
  readonly keys: number;
  /** The last key seen, e.g. `raw/2026/11/23/08/…` (how far through the range). */
  readonly lastKey?: string;
}

/** Options of {@link listArchive}. */
export interface ListArchiveOptions {
  readonly bucket: string;
  /** Delivery stream prefix, e.g. `raw/`. */
  readonly prefix: string;
  readonly from: Date;
  readonly to: Date;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: ListingProgress) => void;
}

/** Lists the archive objects delivered in `[from, to)`, in delivery order. */
export async function listArchive(
  s3: S3Client,
  options: ListArchiveOptions,
): Promise<ArchiveListing> {
  const { signal } = options;
  const range = keyRange(options.prefix, options.from, options.to);
  const keys: { key: string; size: number }[] = [];
  let aborted = false;
  let token: string | undefined;
  let pages = 0;
  let more = range !== undefined;
  while (more && range) {
    if (signal?.aborted) {
      aborted = true;
      break;
    }
    let page;
    try {
      page = await s3.send(
        new ListObjectsV2Command({
          Bucket: options.bucket,
          Prefix: options.prefix,
          ...(token ? { ContinuationToken: token } : { StartAfter: range.startAfter }),
        }),
        signal ? { abortSignal: signal } : {},
      );
    } catch (error) {
      if (signal?.aborted) {
        aborted = true;
        break;
      }
      throw error;
    }
    pages += 1;
    for (const o of page.Contents ?? []) {
      if (!o.Key) continue;
      if (o.Key >= range.end) {
        more = false;
        break;
      }
      keys.push({ key: o.Key, size: o.Size ?? 0 });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
    if (!token) more = false;
    const lastKey = keys.at(-1)?.key;
    options.onProgress?.({ pages, keys: keys.length, ...(lastKey ? { lastKey } : {}) });
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
  return { objects, unrecognized, aborted };
}

/** An object found by {@link listObjects}. */
export interface ListedObject {
  readonly key: string;
  readonly size: number;
  readonly lastModified?: Date;
}

/**
 * Every object under `prefix`, in key order (all pages); stops early, with what it has,
 * when `signal` aborts.
 * @example `const keys = (await listObjects(s3, { bucket, prefix: 'raw/' })).map((o) => o.key)`
 */
export async function listObjects(
  s3: S3Client,
  options: { readonly bucket: string; readonly prefix: string; readonly signal?: AbortSignal },
): Promise<ListedObject[]> {
  const { bucket, prefix, signal } = options;
  const out: ListedObject[] = [];
  let token: string | undefined;
  do {
    if (signal?.aborted) break;
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
      signal ? { abortSignal: signal } : {},
    );
    for (const o of page.Contents ?? [])
      if (o.Key)
        out.push({
          key: o.Key,
          size: o.Size ?? 0,
          ...(o.LastModified ? { lastModified: o.LastModified } : {}),
        });
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * Fetches an archived object as UTF-8 text, gunzipping it when it is GZIP data (by its
 * magic bytes: S3 does not decompress, whatever `ContentEncoding` or the name say).
 */
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
