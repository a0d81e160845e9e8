/**
 * @module pipelines/state/keyed-state
 * The keyed state backend of one shard session (pure, no I/O): named states, each a map
 * from key (device or household id — the records' partition key) to a value, with a codec
 * per state so any JSON-serialisable or codec'd value (a ring of windows, a thresholder,
 * a model) can live in it. `snapshot()` encodes every value into plain JSON;
 * `restore(snapshot, keep)` loads the keys `keep` accepts (a child shard keeps the keys of
 * its hash range). Invariant: `restore(snapshot())` into a fresh backend gives equal
 * states; values of states nobody registered (yet) are carried through snapshots
 * unchanged, so a worker running fewer pipelines never drops another pipeline's state.
 */

/** Encodes a state value to plain JSON and back. */
export interface ValueCodec<V> {
  encode(value: V): unknown;
  decode(json: unknown): V;
  /**
   * The event time (ms) of a value, if it has one (a ring's newest point): keys whose
   * newest event time is older than the TTL are expired (`expireIdle`). Optional.
   */
  time?(value: V): number;
}

/** The identity codec for values that are plain JSON already. */
export function jsonCodec<V>(): ValueCodec<V> {
  return { encode: (v) => v, decode: (j) => j as V };
}

/** The JSON form of a backend: state name → key → encoded value. */
export type StateSnapshot = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

/**
 * One named state: a value per key. Every key read or written is recorded as *changed*
 * (values are often mutated in place after a `get`), which is what an incremental snapshot
 * writes (`incremental.ts`).
 */
export class KeyedState<V> {
  private readonly values = new Map<string, V>();
  private changed = new Set<string>();
  /**
   * Called with a key before it is read or written (copy-on-write: a snapshot still
   * encoding the key's value as of its barrier encodes it first); see `incremental.ts`.
   */
  beforeTouch: ((key: string) => void) | undefined;

  /** The value of `key`, if any (the key counts as changed: the caller may mutate it). */
  get(key: string): V | undefined {
    this.beforeTouch?.(key);
    const value = this.values.get(key);
    if (value !== undefined) this.changed.add(key);
    return value;
  }

  /** Sets the value of `key`. */
  set(key: string, value: V): void {
    this.beforeTouch?.(key);
    this.values.set(key, value);
    this.changed.add(key);
  }

  /** Removes `key`. */
  delete(key: string): void {
    this.beforeTouch?.(key);
    if (this.values.delete(key)) this.changed.add(key);
  }

  /** The value of `key` without counting it as changed (snapshots, expiry). */
  peek(key: string): V | undefined {
    return this.values.get(key);
  }

  /** The keys changed since the last call (read, set or deleted), and forgets them. */
  takeChanged(): Set<string> {
    const out = this.changed;
    this.changed = new Set();
    return out;
  }

  /** Keys with a value. */
  keys(): IterableIterator<string> {
    return this.values.keys();
  }

  /** Entries (key, value). */
  entries(): IterableIterator<[string, V]> {
    return this.values.entries();
  }

  /** Number of keys. */
  get size(): number {
    return this.values.size;
  }
}

interface Registered {
  readonly state: KeyedState<unknown>;
  readonly codec: ValueCodec<unknown>;
}

/**
 * All keyed state of one shard session.
 *
 * @example
 * ```ts
 * const backend = new KeyedStateBackend();
 * const rings = backend.register<number[]>('devices.ring');
 * rings.set('dev-1', [1, 2]);
 * const copy = new KeyedStateBackend();
 * copy.restore(backend.snapshot());
 * copy.register<number[]>('devices.ring').get('dev-1'); // [1, 2]
 * ```
 */
export class KeyedStateBackend {
  private readonly states = new Map<string, Registered>();
  /** Restored values of states not registered yet, by name. */
  private readonly raw = new Map<string, Map<string, unknown>>();
  private touchHook: ((name: string, key: string) => void) | undefined;

  /**
   * The state `name` (created on first call; later calls return the same state). Values
   * restored before registration are decoded now.
   */
  register<V>(name: string, codec: ValueCodec<V> = jsonCodec<V>()): KeyedState<V> {
    const existing = this.states.get(name);
    if (existing) return existing.state as KeyedState<V>;
    const state = new KeyedState<V>();
    const pending = this.raw.get(name);
    if (pending) {
      for (const [key, json] of pending) state.set(key, codec.decode(json));
      this.raw.delete(name);
      state.takeChanged(); // restored, not changed
    }
    this.states.set(name, {
      state: state as KeyedState<unknown>,
      codec: codec as ValueCodec<unknown>,
    });
    const hook = this.touchHook;
    if (hook) state.beforeTouch = (key) => hook(name, key);
    return state;
  }

  /**
   * Calls `hook(name, key)` before any key of a registered state is read or written (or
   * stops with `undefined`): copy-on-write for snapshots encoded after their barrier.
   */
  beforeTouch(hook: ((name: string, key: string) => void) | undefined): void {
    for (const [name, { state }] of this.states)
      state.beforeTouch = hook ? (key) => hook(name, key) : undefined;
    this.touchHook = hook;
  }

  /** Encodes every value of every state (registered or carried through). */
  snapshot(): StateSnapshot {
    const out: Record<string, Record<string, unknown>> = {};
    for (const [name, values] of this.raw) out[name] = Object.fromEntries(values);
    for (const [name, { state, codec }] of this.states) {
      const encoded: Record<string, unknown> = {};
      for (const [key, value] of state.entries()) encoded[key] = codec.encode(value);
      out[name] = encoded;
    }
    return out;
  }

  /**
   * Adds the keys of `snapshot` that `keep` accepts (default: all), replacing values of the
   * same key. Call it several times to merge snapshots (a child of a merge restores both
   * parents). Returns how many (state, key) values were loaded.
   */
  restore(snapshot: StateSnapshot, keep: (key: string) => boolean = () => true): number {
    let loaded = 0;
    for (const [name, values] of Object.entries(snapshot)) {
      const registered = this.states.get(name);
      let target = this.raw.get(name);
      if (!registered && !target) this.raw.set(name, (target = new Map()));
      for (const [key, json] of Object.entries(values)) {
        if (!keep(key)) continue;
        if (registered)
          registered.state.set(key, registered.codec.decode(json)); // changed
        else target?.set(key, json);
        loaded += 1;
      }
    }
    return loaded;
  }

  /** Names of every state, registered or carried through. */
  names(): string[] {
    return [...new Set([...this.states.keys(), ...this.raw.keys()])];
  }

  /** Keys of state `name` (registered or carried through). */
  keysOf(name: string): Iterable<string> {
    return this.states.get(name)?.state.keys() ?? this.raw.get(name)?.keys() ?? [];
  }

  /** Per registered state, the keys changed since the last call (see {@link KeyedState}). */
  takeChanged(): Map<string, Set<string>> {
    const out = new Map<string, Set<string>>();
    for (const [name, { state }] of this.states) out.set(name, state.takeChanged());
    return out;
  }

  /** The encoded value of `key` in state `name` (its codec's JSON), or undefined if none. */
  encoded(name: string, key: string): unknown {
    const registered = this.states.get(name);
    if (!registered) return this.raw.get(name)?.get(key);
    const value = registered.state.peek(key);
    return value === undefined ? undefined : registered.codec.encode(value);
  }

  /**
   * Removes the keys whose newest event time (over the states whose codec has `time`) is
   * more than `ttlMs` before the newest event time of any key; keys without a timed value
   * are kept. Returns the removed keys (counted as changed, so a snapshot drops them).
   */
  expireIdle(ttlMs: number): string[] {
    const newest = new Map<string, number>();
    let now = Number.NEGATIVE_INFINITY;
    for (const { state, codec } of this.states.values()) {
      if (!codec.time) continue;
      for (const [key, value] of state.entries()) {
        const t = codec.time(value);
        if (!(t <= (newest.get(key) ?? Number.NEGATIVE_INFINITY))) newest.set(key, t);
        if (t > now) now = t;
      }
    }
    const expired: string[] = [];
    for (const [key, t] of newest) if (t < now - ttlMs) expired.push(key);
    for (const key of expired) {
      for (const { state } of this.states.values()) state.delete(key);
      for (const values of this.raw.values()) values.delete(key);
    }
    return expired;
  }

  /** Distinct keys over all states. */
  keyCount(): number {
    const keys = new Set<string>();
    for (const values of this.raw.values()) for (const k of values.keys()) keys.add(k);
    for (const { state } of this.states.values()) for (const k of state.keys()) keys.add(k);
    return keys.size;
  }
}
