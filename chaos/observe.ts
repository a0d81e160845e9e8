/**
 * @module chaos/observe
 * What the suite watches while it runs, from the outside as an operator would: the lease
 * table (owner and checkpoint per shard, when a parent reached SHARD_END, lease moves), each
 * worker's `/metrics` (records read per shard, kept per incarnation so a SIGKILLed worker's
 * last count is not lost), and the lake (the Firehose emulator is flushed every few seconds
 * so each line's object time is close to its arrival; every object is read once).
 * Invariant: a failed look keeps the previous values; nothing here throws into the run.
 */
import { listObjects, objectTime, readArchiveObject, type AwsClients } from '../adapters/index.js';
import { parseMetrics } from '../api/index.js';
import { flushFirehose } from '../localstack/index.js';
import { scanTable } from '../test/helpers.js';
import type { DeadLetterCopy, ScoreCopy } from './account.js';
import { identityOfRaw } from './workload.js';

/** A lease row as the suite reads it. */
export interface LeaseView {
  readonly shardId: string;
  readonly owner: string;
  readonly checkpoint: string;
}

/** The lease table now. */
export async function readLeases(aws: AwsClients, table: string): Promise<LeaseView[]> {
  return (await scanTable(aws, table)).map((l) => ({
    shardId: String(l.leaseKey),
    owner: String(l.leaseOwner ?? ''),
    checkpoint: String(l.checkpoint ?? ''),
  }));
}

/** Records read per shard, summed over incarnations (each incarnation's last scraped value). */
export class ReadCounter {
  private readonly last = new Map<string, Map<string, number>>();
  /** First time any worker reported a record read from each shard. */
  readonly firstReadAt: Record<string, number> = {};

  /** Scrapes one incarnation's `/metrics`. */
  async scrape(id: string, port: number, now = Date.now()): Promise<void> {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/metrics`, {
        signal: AbortSignal.timeout(800),
      });
      if (!res.ok) return;
      const shards = new Map<string, number>();
      for (const [k, v] of parseMetrics(await res.text())) {
        const m = /^shardflow_consumer_records_total\{.*shard="([^"]+)".*\}$/.exec(k);
        if (m?.[1]) shards.set(m[1], (shards.get(m[1]) ?? 0) + v);
      }
      this.last.set(id, shards);
      for (const [shard, n] of shards) if (n > 0) this.firstReadAt[shard] ??= now;
    } catch {
      // starting, stopping or killed: keep its last values
    }
  }

  /** Records read per shard, all incarnations. */
  perShard(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const shards of this.last.values())
      for (const [s, n] of shards) out[s] = (out[s] ?? 0) + n;
    return out;
  }
}

/** Reads the lake incrementally: score lines and dead letters with their object times. */
export class LakeReader {
  readonly scores: ScoreCopy[] = [];
  readonly deadLetters: DeadLetterCopy[] = [];
  private readonly read = new Set<string>();

  constructor(
    private readonly aws: AwsClients,
    private readonly bucket: string,
    private readonly firehoseEndpoint: string | undefined,
  ) {}

  /** Flushes the Firehose emulator's buffers, then reads every object not read yet. */
  async collect(): Promise<void> {
    if (this.firehoseEndpoint) await flushFirehose(this.firehoseEndpoint).catch(() => undefined);
    for (const prefix of ['results/', 'dead-letters/']) {
      for (const o of await listObjects(this.aws.s3, { bucket: this.bucket, prefix })) {
        if (this.read.has(o.key)) continue;
        const text = await readArchiveObject(this.aws.s3, this.bucket, o.key);
        const at = objectTime(o.key)?.getTime() ?? o.lastModified?.getTime() ?? Date.now();
        this.read.add(o.key);
        for (const line of text.split('\n')) if (line.trim()) this.add(prefix, line, at);
      }
    }
  }

  private add(prefix: string, line: string, at: number): void {
    let v: Record<string, unknown>;
    try {
      v = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    if (prefix === 'results/')
      this.scores.push({
        key: String(v.key),
        windowStart: String(v.windowStart),
        imputed: v.imputed === true,
        ...(typeof v.source === 'string' ? { source: v.source } : {}),
        writtenAt: at,
      });
    else {
      const id = identityOfRaw(v.raw);
      this.deadLetters.push({
        reason: String(v.reason),
        writtenAt: at,
        ...(typeof v.detail === 'string' ? { detail: v.detail.slice(0, 200) } : {}),
        ...(id ? { identity: id } : {}),
      });
    }
  }
}
