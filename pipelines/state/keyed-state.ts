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
}

/** The identity codec for values that are plain JSON already. */
export function jsonCodec<V>(): ValueCodec<V> {
  return { encode: (v) => v, decode: (j) => j as V };
}

/** The JSON form of a backend: state name → key → encoded value. */
export type StateSnapshot = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

/** One named state: a value per key. */
export class KeyedState<V> {
  private readonly values = new Map<string, V>();

  /** The value of `key`, if any. */
  get(key: string): V | undefined {
    return this.values.get(key);
  }

  /** Sets the value of `key`. */
  set(key: string, value: V): void {
    this.values.set(key, value);
  }

  /** Removes `key`. */
  delete(key: string): void {
    this.values.delete(key);
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
    }
    this.states.set(name, {
      state: state as KeyedState<unknown>,
      codec: codec as ValueCodec<unknown>,
    });
    return state;
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
        if (registered) registered.state.set(key, registered.codec.decode(json));
        else target?.set(key, json);
        loaded += 1;
      }
    }
    return loaded;
  }

  /** Distinct keys over all states. */
  keyCount(): number {
    const keys = new Set<string>();
    for (const values of this.raw.values()) for (const k of values.keys()) keys.add(k);
    for (const { state } of this.states.values()) for (const k of state.keys()) keys.add(k);
    return keys.size;
  }
}
