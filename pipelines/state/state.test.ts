import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import {
  KeyedStateBackend,
  SNAPSHOT_VERSION,
  SnapshotVersionError,
  decodeSnapshot,
  encodeSnapshot,
  inRange,
  keyInRange,
  type ValueCodec,
} from './index.js';

const MAX = (2n ** 128n - 1n).toString();
const HALF = (2n ** 127n).toString();
/** The two halves of a split shard's hash key range. */
const lower = { startingHashKey: '0', endingHashKey: (2n ** 127n - 1n).toString() };
const upper = { startingHashKey: HALF, endingHashKey: MAX };

class Counter {
  constructor(public n = 0) {}
}
const counterCodec: ValueCodec<Counter> = {
  encode: (c) => ({ n: c.n }),
  decode: (j) => new Counter((j as { n: number }).n),
};

describe('KeyedStateBackend', () => {
  it('snapshot → restore gives equal states, through codecs', () => {
    const a = new KeyedStateBackend();
    a.register<number[]>('ring').set('dev-1', [1, 2, 3]);
    a.register('count', counterCodec).set('dev-1', new Counter(7));
    const b = new KeyedStateBackend();
    expect(b.restore(a.snapshot())).toBe(2);
    expect(b.register<number[]>('ring').get('dev-1')).toEqual([1, 2, 3]);
    const c = b.register('count', counterCodec).get('dev-1');
    expect(c).toBeInstanceOf(Counter);
    expect(c?.n).toBe(7);
  });

  it('carries states nobody registered through its own snapshots', () => {
    const a = new KeyedStateBackend();
    a.register<number>('households.x').set('h-1', 5);
    const b = new KeyedStateBackend();
    b.restore(a.snapshot());
    b.register<number>('devices.x').set('d-1', 1);
    expect(b.snapshot()).toEqual({ 'households.x': { 'h-1': 5 }, 'devices.x': { 'd-1': 1 } });
    expect(b.keyCount()).toBe(2);
  });
});

describe('snapshot format', () => {
  it('round-trips with its format and version', () => {
    const bytes = encodeSnapshot('shardId-1', { ring: { k: [1] } });
    const doc = decodeSnapshot(bytes);
    expect(doc).toEqual({
      format: 'shardflow-keyed-state',
      version: SNAPSHOT_VERSION,
      shardId: 'shardId-1',
      kind: 'full',
      chain: [],
      states: { ring: { k: [1] } },
      deleted: {},
    });
  });

  it('reads a version-1 document (always full) through the migration table', () => {
    const v1 = {
      format: 'shardflow-keyed-state',
      version: 1,
      shardId: 's',
      states: { r: { k: 1 } },
    };
    expect(decodeSnapshot(gzipSync(JSON.stringify(v1)))).toEqual({
      ...v1,
      version: 2,
      kind: 'full',
      chain: [],
      deleted: {},
    });
  });

  it('rejects newer, older-without-migration, foreign and corrupt documents explicitly', () => {
    const doc = (d: object) => gzipSync(JSON.stringify(d));
    const base = { format: 'shardflow-keyed-state', shardId: 's', states: {} };
    expect(() => decodeSnapshot(doc({ ...base, version: 3 }))).toThrow(
      /version 3 is not readable by version 2/,
    );
    expect(() => decodeSnapshot(doc({ ...base, version: 0 }))).toThrow(
      /version 0 has no migration/,
    );
    expect(() => decodeSnapshot(doc({ ...base, format: 'other', version: 1 }))).toThrow(
      SnapshotVersionError,
    );
    expect(() => decodeSnapshot(new TextEncoder().encode('{}'))).toThrow(SnapshotVersionError);
    expect(() => decodeSnapshot(doc({ ...base, version: 1, states: null }))).toThrow(
      SnapshotVersionError,
    );
    const v2 = { ...base, version: 2, kind: 'delta', chain: [], deleted: {} };
    expect(() => decodeSnapshot(doc(v2))).toThrow(SnapshotVersionError); // a delta needs a base
    expect(() => decodeSnapshot(doc({ ...v2, kind: 'partial' }))).toThrow(SnapshotVersionError);
  });
});

describe('restore by hash key range (resharding)', () => {
  const keys = Array.from({ length: 200 }, (_, i) => `dev-${i}`);
  const parent = () => {
    const b = new KeyedStateBackend();
    const ring = b.register<number>('ring');
    keys.forEach((k, i) => ring.set(k, i));
    return b.snapshot();
  };

  it('split: each child keeps exactly the keys whose MD5 hash is in its range', () => {
    const left = new KeyedStateBackend();
    const right = new KeyedStateBackend();
    left.restore(parent(), inRange(lower));
    right.restore(parent(), inRange(upper));
    const l = [...left.register<number>('ring').keys()];
    const r = [...right.register<number>('ring').keys()];
    expect(l.length + r.length).toBe(keys.length);
    expect(l.length).toBeGreaterThan(50); // MD5 spreads 200 keys over both halves
    expect(r.length).toBeGreaterThan(50);
    expect(l.every((k) => keyInRange(k, lower) && !keyInRange(k, upper))).toBe(true);
    expect(new Set([...l, ...r])).toEqual(new Set(keys));
  });

  it('merge: the child restores both parents into the union of their keys', () => {
    const leftParent = new KeyedStateBackend();
    leftParent.restore(parent(), inRange(lower));
    const rightParent = new KeyedStateBackend();
    rightParent.restore(parent(), inRange(upper));
    const child = new KeyedStateBackend();
    const all = { startingHashKey: '0', endingHashKey: MAX };
    child.restore(leftParent.snapshot(), inRange(all));
    child.restore(rightParent.snapshot(), inRange(all));
    const ring = child.register<number>('ring');
    expect(ring.size).toBe(keys.length);
    expect(ring.get('dev-42')).toBe(42);
  });

  it('places a key by the MD5 of its partition key as a 128-bit number, ends inclusive', () => {
    const h = BigInt(`0x${createHash('md5').update('dev-1', 'utf8').digest('hex')}`);
    const exact = { startingHashKey: h.toString(), endingHashKey: h.toString() };
    expect(keyInRange('dev-1', exact)).toBe(true);
    expect(keyInRange('dev-1', { startingHashKey: (h + 1n).toString(), endingHashKey: MAX })).toBe(
      false,
    );
    expect(keyInRange('dev-1', h < 2n ** 127n ? lower : upper)).toBe(true);
    expect(keyInRange('dev-1', undefined)).toBe(true);
  });
});
