/**
 * @module localstack/firehose/journal
 * Optional on-disk journal that makes the emulator's acknowledgement hold across a crash
 * (SIGKILL), not only a clean stop: the delivery streams' settings live in `streams.json`
 * (replaced atomically), and each stream appends every accepted record to
 * `stream-<name>.journal` before PutRecord(Batch) is answered. After S3 acknowledged an
 * object, the journal is rewritten to hold only what is still buffered. On start the
 * emulator re-creates the streams and re-buffers their journals. Invariant: at every
 * moment, each acknowledged record not yet in S3 is in its stream's journal. Writes are
 * not fsync'ed: they survive a process kill, not a power loss.
 */
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { BufferedRecord } from './buffer.js';
import type { DeliveryStreamSettings } from './settings.js';

/** What a delivery stream tells its journal. */
export interface StreamJournal {
  /** Records were accepted (called before the request is answered). */
  append(records: readonly BufferedRecord[]): void;
  /** An object was delivered: only `remaining` is still owed to S3. */
  reset(remaining: readonly BufferedRecord[]): void;
}

const line = (r: BufferedRecord): string =>
  `${r.arrival} ${Buffer.from(r.data).toString('base64')}\n`;

/** The journal folder of one emulator. */
export class Journal {
  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  private file(name: string): string {
    return join(this.dir, `stream-${name}.journal`);
  }

  private replace(path: string, content: string): void {
    writeFileSync(`${path}.tmp`, content);
    renameSync(`${path}.tmp`, path);
  }

  /** Saved stream settings, in creation order. */
  loadStreams(): DeliveryStreamSettings[] {
    const path = join(this.dir, 'streams.json');
    return existsSync(path)
      ? (JSON.parse(readFileSync(path, 'utf8')) as DeliveryStreamSettings[])
      : [];
  }

  /** Replaces the saved stream settings. */
  saveStreams(settings: readonly DeliveryStreamSettings[]): void {
    this.replace(join(this.dir, 'streams.json'), JSON.stringify(settings));
  }

  /** Records journaled for a stream (complete lines only), in order. */
  loadRecords(name: string): BufferedRecord[] {
    const path = this.file(name);
    if (!existsSync(path)) return [];
    const text = readFileSync(path, 'utf8');
    const complete = text.slice(0, text.lastIndexOf('\n') + 1);
    return complete
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const [arrival, data] = l.split(' ');
        return { arrival: Number(arrival), data: Buffer.from(data ?? '', 'base64') };
      });
  }

  /** The journal of one stream. */
  stream(name: string): StreamJournal {
    const path = this.file(name);
    return {
      append: (records) => {
        if (records.length > 0) appendFileSync(path, records.map(line).join(''));
      },
      reset: (remaining) => this.replace(path, remaining.map(line).join('')),
    };
  }

  /** Forgets a deleted stream's journal. */
  remove(name: string): void {
    rmSync(this.file(name), { force: true });
  }
}
