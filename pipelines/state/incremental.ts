/**
 * @module pipelines/state/incremental
 * Incremental snapshots of a {@link KeyedStateBackend} (pure, no I/O). Each key's encoded
 * value is kept as JSON text from the barrier that last saw it change. A barrier only takes
 * the set of keys changed since the previous one; they are encoded after feeding resumed,
 * copy-on-write (a key the chain reads or writes before it is encoded is encoded first, as
 * of the barrier), and the document is assembled from the texts. Objects form a chain: a `full` object (every key) and
 * `delta` objects (changed and removed keys) after it; a full object is written again
 * (compaction) after `maxDeltas` deltas or once the deltas add up to the base's size, so a
 * restore reads at most `1 + maxDeltas` objects. Idle keys (no newer event time for
 * `ttlMs`) are removed at barriers and written as deletions.
 *
 * Invariant: applying the objects of a chain in order to an empty state (`mergeChain`)
 * gives exactly `backend.snapshot()` as of the newest object's barrier.
 */
import type { KeyedStateBackend, StateSnapshot } from './keyed-state.js';
import { SNAPSHOT_FORMAT, SNAPSHOT_VERSION, type ShardSnapshot } from './snapshot-codec.js';

/** Seven days: the default idle-key TTL (event time). */
export const DEFAULT_STATE_TTL_MS = 7 * 24 * 3_600_000;

/** Options of {@link IncrementalSnapshots}. */
export interface IncrementalOptions {
  readonly shardId: string;
  /** Deltas after a full object before the next full one; default 20. */
  readonly maxDeltas?: number;
  /** A full object is written once the deltas since the base reach this × its bytes; default 1. */
  readonly compactRatio?: number;
  /** Keys idle for this long (event time) are expired; default 7 days, `Infinity` keeps all. */
  readonly ttlMs?: number;
}

/**
 * What a barrier captured. Values are encoded after the barrier (copy-on-write: a key the
 * chain touches before it is encoded is encoded first, as of the barrier): call
 * `encodeSome` between batches until it returns true, or `json()` to finish at once.
 */
export interface Capture {
  readonly kind: 'full' | 'delta';
  /** (state, key) values in the object (once encoded). */
  readonly values: number;
  /** Keys removed since the previous object (expired or deleted), over all states. */
  readonly deleted: number;
  /** Keys expired by the TTL at this barrier. */
  readonly expired: number;
  /** Encodes up to `max` of the values still to encode; true once none are left. */
  encodeSome(max: number): boolean;
  /** The document's JSON text (encodes what is left first). */
  json(): string;
}

type Texts = Map<string, Map<string, string>>;

/** See the module doc. */
export class IncrementalSnapshots {
  private readonly texts: Texts = new Map();
  private readonly maxDeltas: number;
  private readonly compactRatio: number;
  private readonly ttlMs: number;
  /** The chain being extended: the full base first. */
  private chain: string[] = [];
  private baseBytes = 0;
  private deltaBytes = 0;
  /** Objects superseded by a full object not yet committed. */
  private retired: string[] = [];
  /** The objects the last committed object needs (its chain and itself). */
  private live: string[] = [];

  constructor(
    private readonly backend: KeyedStateBackend,
    private readonly options: IncrementalOptions,
  ) {
    this.maxDeltas = options.maxDeltas ?? 20;
    this.compactRatio = options.compactRatio ?? 1;
    this.ttlMs = options.ttlMs ?? DEFAULT_STATE_TTL_MS;
  }

  /**
   * Loads `states` (the keys `keep` accepts) into the backend and remembers their texts, so
   * unchanged keys are never encoded again. Returns the number of values loaded.
   */
  restore(states: StateSnapshot, keep: (key: string) => boolean = () => true): number {
    const kept: Record<string, Record<string, unknown>> = {};
    for (const [name, values] of Object.entries(states)) {
      const texts = this.textsOf(name);
      const out: Record<string, unknown> = (kept[name] = {});
      for (const [key, json] of Object.entries(values)) {
        if (!keep(key)) continue;
        out[key] = json;
        texts.set(key, JSON.stringify(json));
      }
    }
    const loaded = this.backend.restore(kept);
    this.backend.takeChanged(); // restored values are in their texts already
    return loaded;
  }

  /** Continues the chain the lease names (own restore): `refs` = its objects, base first. */
  adopt(refs: readonly string[], bytes: readonly number[]): void {
    this.chain = [...refs];
    this.live = [...refs];
    this.baseBytes = bytes[0] ?? 0;
    this.deltaBytes = bytes.slice(1).reduce((a, b) => a + b, 0);
  }

  /**
   * Cuts the state at a barrier (synchronous: call it while feeding is paused); only the
   * set of changed keys is taken here. A `final` object (the shard's end) is full and names
   * the objects it supersedes.
   */
  capture(forceFull = false, final = false): Capture {
    const expired = Number.isFinite(this.ttlMs) ? this.backend.expireIdle(this.ttlMs) : [];
    const changed = this.backend.takeChanged();
    const full =
      forceFull ||
      final ||
      this.chain.length === 0 ||
      this.chain.length > this.maxDeltas ||
      this.deltaBytes >= this.compactRatio * this.baseBytes;
    const pending = new Map<string, Set<string>>();
    for (const name of this.backend.names()) {
      const texts = this.textsOf(name);
      const keys = changed.get(name) ?? new Set<string>();
      for (const key of expired) if (texts.has(key)) keys.add(key);
      // a full object needs every key's text: one never seen is encoded too
      if (full) for (const key of this.backend.keysOf(name)) if (!texts.has(key)) keys.add(key);
      if (keys.size > 0) pending.set(name, keys);
    }
    const superseded = final ? [...new Set([...this.retired, ...this.chain])] : [];
    const chain = full ? [] : [...this.chain];
    return new PendingCapture(
      this.backend,
      (name) => this.textsOf(name),
      { shardId: this.options.shardId, kind: full ? 'full' : 'delta', chain, superseded },
      pending,
      expired.length,
    );
  }

  /** A captured object was written as `ref` (`bytes` long): later deltas build on it. */
  written(capture: Capture, ref: string, bytes: number): void {
    if (capture.kind === 'full') {
      this.retired.push(...this.chain);
      this.chain = [ref];
      this.baseBytes = bytes;
      this.deltaBytes = 0;
    } else {
      this.chain.push(ref);
      this.deltaBytes += bytes;
    }
  }

  /**
   * The lease now names `ref` (written earlier): returns the objects no longer needed by it
   * (to delete), i.e. those a committed full object superseded.
   */
  committed(ref: string): string[] {
    const i = this.chain.indexOf(ref);
    if (i < 0) return [];
    const needed = this.chain.slice(0, i + 1);
    const drop = [...this.retired, ...this.live].filter((r) => !needed.includes(r));
    this.live = needed;
    if (i === 0) this.retired = [];
    return [...new Set(drop)];
  }

  /** Objects in the current chain (base first). */
  get chainLength(): number {
    return this.chain.length;
  }

  private textsOf(name: string): Map<string, string> {
    let texts = this.texts.get(name);
    if (!texts) this.texts.set(name, (texts = new Map()));
    return texts;
  }
}

/** A capture whose values are encoded after the barrier (see {@link Capture}). */
class PendingCapture implements Capture {
  private readonly changes = new Map<string, Map<string, string>>();
  private readonly removed = new Map<string, string[]>();
  private left: number;

  constructor(
    private readonly backend: KeyedStateBackend,
    private readonly textsOf: (name: string) => Map<string, string>,
    private readonly head: {
      shardId: string;
      kind: 'full' | 'delta';
      chain: readonly string[];
      superseded: readonly string[];
    },
    private readonly pending: Map<string, Set<string>>,
    readonly expired: number,
  ) {
    this.left = [...pending.values()].reduce((n, k) => n + k.size, 0);
    // copy-on-write: a key touched before it is encoded is encoded first
    if (this.left > 0) backend.beforeTouch((name, key) => this.encode(name, key));
  }

  get kind(): 'full' | 'delta' {
    return this.head.kind;
  }

  get values(): number {
    if (this.head.kind === 'delta')
      return [...this.changes.values()].reduce((n, c) => n + c.size, 0);
    let n = 0;
    for (const name of this.backend.names()) n += this.textsOf(name).size;
    return n;
  }

  get deleted(): number {
    return [...this.removed.values()].reduce((n, d) => n + d.length, 0);
  }

  encodeSome(max: number): boolean {
    let done = 0;
    for (const [name, keys] of this.pending) {
      for (const key of keys) {
        if (done >= max) return false;
        this.encode(name, key);
        done += 1;
      }
    }
    return this.left === 0;
  }

  json(): string {
    this.encodeSome(Number.POSITIVE_INFINITY);
    const { shardId, kind, chain, superseded } = this.head;
    if (kind === 'delta') return documentJson(shardId, kind, chain, this.changes, this.removed);
    const all = new Map<string, Map<string, string>>();
    for (const name of this.backend.names()) all.set(name, this.textsOf(name));
    return documentJson(shardId, kind, [], all, new Map(), superseded);
  }

  /** Encodes `key` of state `name` as of the barrier, if it is still to be encoded. */
  private encode(name: string, key: string): void {
    const keys = this.pending.get(name);
    if (!keys?.delete(key)) return;
    this.left -= 1;
    if (this.left === 0) this.backend.beforeTouch(undefined);
    const texts = this.textsOf(name);
    const encoded = this.backend.encoded(name, key);
    if (encoded === undefined) {
      if (!texts.delete(key)) return;
      let r = this.removed.get(name);
      if (!r) this.removed.set(name, (r = []));
      r.push(key);
      return;
    }
    const text = JSON.stringify(encoded);
    texts.set(key, text);
    if (this.head.kind === 'full') return;
    let c = this.changes.get(name);
    if (!c) this.changes.set(name, (c = new Map()));
    c.set(key, text);
  }
}

/** The JSON text of a version-2 document from per-key JSON texts (no re-encoding). */
function documentJson(
  shardId: string,
  kind: 'full' | 'delta',
  chain: readonly string[],
  states: ReadonlyMap<string, ReadonlyMap<string, string>>,
  deleted: ReadonlyMap<string, readonly string[]>,
  superseded: readonly string[] = [],
): string {
  const parts: string[] = [
    `{"format":${JSON.stringify(SNAPSHOT_FORMAT)},"version":${SNAPSHOT_VERSION},"shardId":${JSON.stringify(shardId)},"kind":"${kind}","chain":${JSON.stringify(chain)},"states":{`,
  ];
  let firstState = true;
  for (const [name, texts] of states) {
    parts.push(`${firstState ? '' : ','}${JSON.stringify(name)}:{`);
    firstState = false;
    let first = true;
    for (const [key, text] of texts) {
      parts.push(`${first ? '' : ','}${JSON.stringify(key)}:${text}`);
      first = false;
    }
    parts.push('}');
  }
  const tail = superseded.length > 0 ? `,"superseded":${JSON.stringify(superseded)}` : '';
  parts.push(`},"deleted":${JSON.stringify(Object.fromEntries(deleted))}${tail}}`);
  return parts.join('');
}

/**
 * Applies the objects of a chain in order (a full object, then its deltas): the state as of
 * the newest one. Throws if the chain does not start with a full object.
 */
export function mergeChain(objects: readonly ShardSnapshot[]): StateSnapshot {
  const states = new Map<string, Map<string, unknown>>();
  objects.forEach((doc, i) => {
    if ((i === 0) !== (doc.kind === 'full'))
      throw new Error(`snapshot chain object ${i} is a ${doc.kind} object`);
    for (const [name, values] of Object.entries(doc.states)) {
      let target = states.get(name);
      if (!target) states.set(name, (target = new Map()));
      for (const [key, value] of Object.entries(values)) target.set(key, value);
    }
    for (const [name, keys] of Object.entries(doc.deleted))
      for (const key of keys) states.get(name)?.delete(key);
  });
  const out: Record<string, Record<string, unknown>> = {};
  for (const [name, values] of states) out[name] = Object.fromEntries(values);
  return out;
}
