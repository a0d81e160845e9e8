/**
 * @module adapters/protobuf-wire
 * The protobuf wire-format primitives the KPL codec needs, and nothing more: varints,
 * length-delimited fields and skipping unknown fields on the read side; varints and
 * length-delimited fields into a buffer of known size on the write side, with the size
 * arithmetic that lets the encoder size its buffer up front. No generated code, no copies.
 */

/** Malformed protobuf input (truncated, too long, unsupported wire type). */
export class MalformedError extends Error {}

/** A protobuf wire-format cursor over a byte range of `buf`. */
export class ProtobufReader {
  /** The next byte to read. */
  pos = 0;
  /** The end (exclusive) of the range being read; narrowed for nested messages. */
  end: number;

  constructor(
    private readonly buf: Uint8Array,
    start = 0,
    end = buf.length,
  ) {
    this.pos = start;
    this.end = end;
  }

  /** True once the cursor reached `end`. */
  get done(): boolean {
    return this.pos >= this.end;
  }

  /** Reads a varint (at most a safe integer); throws {@link MalformedError} otherwise. */
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

  /** Reads a length-delimited field's bytes (a view, not a copy). */
  bytes(): Uint8Array {
    const end = this.lengthDelimited();
    const out = this.buf.subarray(this.pos, end);
    this.pos = end;
    return out;
  }

  /** Skips one field of wire type `wireType` (unknown or unwanted fields). */
  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 2) this.pos = this.lengthDelimited();
    else if (wireType === 1 || wireType === 5) {
      this.pos += wireType === 1 ? 8 : 4;
      if (this.pos > this.end) throw new MalformedError('truncated field');
    } else throw new MalformedError(`unsupported wire type ${wireType}`);
  }
}

/** Bytes of `n` as a protobuf varint. */
export function varintSize(n: number): number {
  let size = 1;
  for (let v = n; v >= 128; v = Math.floor(v / 128)) size += 1;
  return size;
}

/** Bytes of a length-delimited field (one-byte tag) holding `length` bytes. */
export const fieldSize = (length: number): number => 1 + varintSize(length) + length;

/** A protobuf wire-format writer into a buffer of known size (see {@link fieldSize}). */
export class ProtobufWriter {
  private pos = 0;
  constructor(readonly buf: Uint8Array) {}

  /** Writes `n` as a varint. */
  varint(n: number): this {
    let v = n;
    while (v >= 128) {
      this.buf[this.pos++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
    return this;
  }

  /** Writes a length-delimited field: tag, length, bytes. */
  bytes(tag: number, value: Uint8Array): this {
    this.varint(tag).varint(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
    return this;
  }
}
