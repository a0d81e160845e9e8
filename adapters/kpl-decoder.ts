/**
 * @module adapters/kpl-decoder
 * The read half of the one KPL codec (format in `kpl-format.ts`): checks the envelope (magic,
 * MD5 trailer), parses the protobuf `AggregatedRecord` and hands out the user records — as
 * views into the aggregated record, without an object per record on the hot path.
 *
 * Invariants, as in the KCL's `AggregatorUtil`: a user record has an explicit hash key only
 * when it carries its own `explicit_hash_key_index`; a record whose magic matches but whose
 * checksum or protobuf is invalid is not an aggregate (the caller keeps it as one plain
 * record), and the whole aggregate is validated before the first user record is visited.
 */
import { hash as oneShotHash } from 'node:crypto';
import { isKplAggregate, type KplUserRecord } from './kpl-format.js';
import { MalformedError, ProtobufReader } from './protobuf-wire.js';

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

const utf8 = new TextDecoder();

/** Key tables and, per user record, 4 numbers: key index, hash-key index (-1), data start, end. */
interface ParsedAggregate {
  readonly partitionKeys: string[];
  readonly hashKeys: string[];
  readonly fields: number[];
  readonly count: number;
}

/** Parses one nested `Record` (ends at `end`) into 4 numbers appended to `fields`. */
function parseRecord(r: ProtobufReader, end: number, fields: number[]): void {
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
  const r = new ProtobufReader(message);
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
