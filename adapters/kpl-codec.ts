/**
 * @module adapters/kpl-codec
 * The one KPL aggregated-record codec of shardflow (format: magic `F3 89 9A C2`, protobuf
 * `AggregatedRecord`, MD5 of the message as a 16-byte trailer), written and read here on the
 * protobuf wire format directly. `aws-kinesis-agg` is kept only as an independent reader in
 * tests: its reader gives every user record without an explicit-hash-key index the first
 * key of the table (protobuf default 0), and its writer reorders integer-like keys.
 *
 * Invariants, as in the KCL's `AggregatorUtil`: a user record has an explicit hash key only
 * when it carries its own `explicit_hash_key_index`; a record whose magic matches but whose
 * checksum or protobuf is invalid is not an aggregate (the caller keeps it as one plain
 * record); {@link KplAggregate} never grows past its byte budget.
 */
import { hash as oneShotHash } from 'node:crypto';
import { ShardflowError } from '../core/index.js';

/** A user record inside an aggregate. */
export interface KplUserRecord {
  readonly partitionKey: string;
  /** Present only when the user record has its own explicit hash key. */
  readonly explicitHashKey?: string;
  readonly data: Uint8Array;
}

/** The aggregation magic number (first four bytes of an aggregated record). */
export const KPL_MAGIC: readonly number[] = [0xf3, 0x89, 0x9a, 0xc2];
/** Bytes the format adds around the protobuf message: 4 magic + 16 MD5. */
export const AGGREGATION_OVERHEAD_BYTES = 20;
/** The KPL's default `AggregationMaxSize`: 50 KiB per aggregated record. */
export const DEFAULT_AGGREGATION_MAX_BYTES = 51_200;

/** True if `data` starts with the magic and is long enough to hold a message and checksum. */
export function isKplAggregate(data: Uint8Array): boolean {
  return (
    data.length > AGGREGATION_OVERHEAD_BYTES &&
    data[0] === 0xf3 &&
    data[1] === 0x89 &&
    data[2] === 0x9a &&
    data[3] === 0xc2
  );
}

/**
 * Called once per user record of a valid aggregate, in order; `data` is a view into the
 * aggregated record (no copy), `explicitHashKey` is undefined unless the record has its own.
 */
export type KplUserRecordVisitor = (
  partitionKey: string,
  explicitHashKey: string | undefined,
  data: Uint8Array,
  index: number,
) => void;

/**
 * Visits the user records of an aggregated record, in order, and returns how many there
 * were; returns -1 (and visits nothing) when `data` is not a valid aggregate (no magic,
 * checksum mismatch, malformed protobuf, index out of range). The whole aggregate is
 * validated before the first visit, and no object is made per user record: consumers
 * build their own record from the parts (the hot path of de-aggregation).
 */
export function visitKplAggregate(data: Uint8Array, visit: KplUserRecordVisitor): number {
  if (!isKplAggregate(data)) return -1;
  const message = data.subarray(4, data.length - 16);
  const digest = oneShotHash('md5', message, 'buffer');
  const trailer = data.length - 16;
  for (let i = 0; i < 16; i += 1) if (digest[i] !== data[trailer + i]) return -1;
  let parsed: ParsedAggregate;
  try {
    parsed = parseAggregatedRecord(message);
  } catch (error) {
    if (error instanceof MalformedError) return -1;
    throw error;
  }
  const { partitionKeys, hashKeys, fields, count } = parsed;
  const base = message.byteOffset;
  for (let i = 0; i < count; i += 1) {
    const f = i * 4;
    const ehk = fields[f + 1] as number;
    const start = fields[f + 2] as number;
    visit(
      partitionKeys[fields[f] as number] as string,
      ehk < 0 ? undefined : hashKeys[ehk],
      new Uint8Array(message.buffer, base + start, (fields[f + 3] as number) - start),
      i,
    );
  }
  return count;
}

/**
 * The user records of an aggregated record, in order; `undefined` when `data` is not a
 * valid aggregate (no magic, checksum mismatch, malformed protobuf, index out of range),
 * which the KCL then delivers as one plain record. Each `data` is a view into `data`.
 */
export function decodeKplAggregate(data: Uint8Array): KplUserRecord[] | undefined {
  const out: KplUserRecord[] = [];
  const n = visitKplAggregate(data, (partitionKey, explicitHashKey, bytes) => {
    out.push(
      explicitHashKey === undefined
        ? { partitionKey, data: bytes }
        : { partitionKey, explicitHashKey, data: bytes },
    );
  });
  return n < 0 ? undefined : out;
}

class MalformedError extends Error {}

/** A protobuf wire-format cursor over a byte range. */
class Reader {
  pos = 0;
  end: number;
  constructor(
    private readonly buf: Uint8Array,
    start = 0,
    end = buf.length,
  ) {
    this.pos = start;
    this.end = end;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  varint(): number {
    const buf = this.buf;
    let pos = this.pos;
    if (pos < this.end) {
      const first = buf[pos] as number;
      if (first < 0x80) {
        this.pos = pos + 1;
        return first;
      }
    }
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i += 1) {
      if (pos >= this.end) throw new MalformedError('truncated varint');
      const byte = buf[pos++] as number;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) {
        if (!Number.isSafeInteger(value)) throw new MalformedError('varint too large');
        this.pos = pos;
        return value;
      }
      scale *= 128;
    }
    throw new MalformedError('varint too long');
  }

  /** Skips a length-delimited field's length and returns the end of its bytes. */
  lengthDelimited(): number {
    const length = this.varint();
    const end = this.pos + length;
    if (end > this.end) throw new MalformedError('truncated field');
    return end;
  }

  bytes(): Uint8Array {
    const end = this.lengthDelimited();
    const out = this.buf.subarray(this.pos, end);
    this.pos = end;
    return out;
  }

  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 2) this.pos = this.lengthDelimited();
    else if (wireType === 1 || wireType === 5) {
      this.pos += wireType === 1 ? 8 : 4;
      if (this.pos > this.end) throw new MalformedError('truncated field');
    } else throw new MalformedError(`unsupported wire type ${wireType}`);
  }
}

const utf8 = new TextDecoder();

/** Key tables and, per user record, 4 numbers: key index, hash-key index (-1), data start, end. */
interface ParsedAggregate {
  readonly partitionKeys: string[];
  readonly hashKeys: string[];
  readonly fields: number[];
  readonly count: number;
}

/** Parses one nested `Record` (ends at `end`) into 4 numbers appended to `fields`. */
function parseRecord(r: Reader, end: number, fields: number[]): void {
  let pkIndex = -1;
  let ehkIndex = -1;
  let dataStart = -1;
  let dataEnd = -1;
  const outer = r.end;
  r.end = end;
  while (!r.done) {
    const key = r.varint();
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (field === 1 && wire === 0) pkIndex = r.varint();
    else if (field === 2 && wire === 0) ehkIndex = r.varint();
    else if (field === 3 && wire === 2) {
      dataEnd = r.lengthDelimited();
      dataStart = r.pos;
      r.pos = dataEnd;
    } else r.skip(wire); // tags (4) and unknown fields
  }
  r.end = outer;
  fields.push(pkIndex, ehkIndex, dataStart, dataEnd);
}

function parseAggregatedRecord(message: Uint8Array): ParsedAggregate {
  const r = new Reader(message);
  const partitionKeys: string[] = [];
  const hashKeys: string[] = [];
  const fields: number[] = [];
  while (!r.done) {
    const key = r.varint();
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (field === 1 && wire === 2) partitionKeys.push(utf8.decode(r.bytes()));
    else if (field === 2 && wire === 2) hashKeys.push(utf8.decode(r.bytes()));
    else if (field === 3 && wire === 2) parseRecord(r, r.lengthDelimited(), fields);
    else r.skip(wire);
  }
  const count = fields.length / 4;
  for (let f = 0; f < fields.length; f += 4) {
    const pk = fields[f] as number;
    const ehk = fields[f + 1] as number;
    if (pk < 0 || pk >= partitionKeys.length || (fields[f + 2] as number) < 0) {
      throw new MalformedError('user record without partition key or data');
    }
    if (ehk >= hashKeys.length) throw new MalformedError('explicit hash key index');
  }
  return { partitionKeys, hashKeys, fields, count };
}

/** Bytes of `n` as a protobuf varint. */
function varintSize(n: number): number {
  let size = 1;
  for (let v = n; v >= 128; v = Math.floor(v / 128)) size += 1;
  return size;
}

/** Bytes of a length-delimited field (one-byte tag) holding `length` bytes. */
const fieldSize = (length: number): number => 1 + varintSize(length) + length;

/** A protobuf wire-format writer into a buffer of known size. */
class Writer {
  private pos = 0;
  constructor(readonly buf: Uint8Array) {}

  varint(n: number): this {
    let v = n;
    while (v >= 128) {
      this.buf[this.pos++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
    return this;
  }

  bytes(tag: number, value: Uint8Array): this {
    this.varint(tag).varint(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
    return this;
  }
}

const utf8Encoder = new TextEncoder();

/** A distinct key of an aggregate's key table. */
interface KeyEntry {
  readonly bytes: Uint8Array;
  readonly index: number;
}

/** Bytes of a nested `Record`: key index, optional hash-key index (-1: none), data field. */
const innerSize = (pkIndex: number, ehkIndex: number, dataLength: number): number =>
  1 + varintSize(pkIndex) + (ehkIndex < 0 ? 0 : 1 + varintSize(ehkIndex)) + fieldSize(dataLength);

/**
 * Builds one aggregated record from user records, within a byte budget. Key tables keep
 * insertion order (a plain object would reorder integer-like keys such as `"7"`).
 */
export class KplAggregate {
  private readonly maxBytes: number;
  /** Key tables: bytes and index of each distinct key, in index (insertion) order. */
  private readonly partitionKeys = new Map<string, KeyEntry>();
  private readonly hashKeys = new Map<string, KeyEntry>();
  /** Per user record, in order: key index, hash-key index (-1: none), data. */
  private readonly keyIndexes: number[] = [];
  private readonly hashKeyIndexes: number[] = [];
  private readonly datas: Uint8Array[] = [];
  private messageBytes = 0;

  constructor(maxBytes = DEFAULT_AGGREGATION_MAX_BYTES) {
    this.maxBytes = maxBytes;
  }

  /** User records added so far. */
  get count(): number {
    return this.datas.length;
  }

  /** Encoded size so far, including magic and checksum. */
  get bytes(): number {
    return this.messageBytes + AGGREGATION_OVERHEAD_BYTES;
  }

  /** Adds `record` if the encoded aggregate stays within budget; returns whether it did. */
  tryAdd(record: KplUserRecord): boolean {
    const { partitionKey, explicitHashKey, data } = record;
    const knownKey = this.partitionKeys.get(partitionKey);
    const pkIndex = knownKey ? knownKey.index : this.partitionKeys.size;
    const pk = knownKey ? undefined : utf8Encoder.encode(partitionKey);
    let grown = pk ? fieldSize(pk.length) : 0;
    let ehkIndex = -1;
    let ehk: Uint8Array | undefined;
    if (explicitHashKey !== undefined) {
      const knownHash = this.hashKeys.get(explicitHashKey);
      ehkIndex = knownHash ? knownHash.index : this.hashKeys.size;
      if (!knownHash) {
        ehk = utf8Encoder.encode(explicitHashKey);
        grown += fieldSize(ehk.length);
      }
    }
    grown += fieldSize(innerSize(pkIndex, ehkIndex, data.length));
    if (this.messageBytes + grown + AGGREGATION_OVERHEAD_BYTES > this.maxBytes) return false;
    this.messageBytes += grown;
    if (pk) this.partitionKeys.set(partitionKey, { bytes: pk, index: pkIndex });
    if (ehk && explicitHashKey !== undefined)
      this.hashKeys.set(explicitHashKey, { bytes: ehk, index: ehkIndex });
    this.keyIndexes.push(pkIndex);
    this.hashKeyIndexes.push(ehkIndex);
    this.datas.push(data);
    return true;
  }

  /** The encoded aggregated record (KPL format). */
  encode(): Buffer {
    const n = this.datas.length;
    if (n === 0) {
      throw new ShardflowError('KPL_EMPTY', 'cannot encode an empty aggregate');
    }
    const out = Buffer.alloc(this.messageBytes + AGGREGATION_OVERHEAD_BYTES);
    out.set(KPL_MAGIC, 0);
    const message = out.subarray(4, 4 + this.messageBytes);
    const w = new Writer(message);
    for (const pk of this.partitionKeys.values()) w.bytes(0x0a, pk.bytes);
    for (const ehk of this.hashKeys.values()) w.bytes(0x12, ehk.bytes);
    for (let i = 0; i < n; i += 1) {
      // The nested record is written in place (its size is known): no per-record buffer.
      const pkIndex = this.keyIndexes[i] as number;
      const ehkIndex = this.hashKeyIndexes[i] as number;
      const data = this.datas[i] as Uint8Array;
      w.varint(0x1a)
        .varint(innerSize(pkIndex, ehkIndex, data.length))
        .varint(0x08)
        .varint(pkIndex);
      if (ehkIndex >= 0) w.varint(0x10).varint(ehkIndex);
      w.bytes(0x1a, data);
    }
    out.set(oneShotHash('md5', message, 'buffer'), 4 + this.messageBytes);
    return out;
  }
}
