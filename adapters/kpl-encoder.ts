/**
 * @module adapters/kpl-encoder
 * The write half of the one KPL codec (format in `kpl-format.ts`): {@link KplAggregate}
 * packs user records into one aggregated record within a byte budget, sizing the protobuf
 * message as records are added so that encoding writes it in place into one buffer.
 *
 * Invariants: {@link KplAggregate} never grows past its byte budget; key tables keep
 * insertion order; a user record carries an explicit-hash-key index only if it has its own
 * explicit hash key.
 */
import { hash as oneShotHash } from 'node:crypto';
import { ShardflowError } from '../core/index.js';
import {
  AGGREGATION_OVERHEAD_BYTES,
  DEFAULT_AGGREGATION_MAX_BYTES,
  KPL_MAGIC,
  type KplUserRecord,
} from './kpl-format.js';
import { ProtobufWriter, fieldSize, varintSize } from './protobuf-wire.js';

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
    const w = new ProtobufWriter(message);
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
