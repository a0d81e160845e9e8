import fc from 'fast-check';
import {
  MalformedError,
  ProtobufReader,
  ProtobufWriter,
  fieldSize,
  varintSize,
} from './protobuf-wire.js';

describe('protobuf wire primitives', () => {
  it('write and read back any safe non-negative varint, in varintSize bytes', () => {
    fc.assert(
      fc.property(fc.array(fc.maxSafeNat(), { minLength: 1, maxLength: 20 }), (values) => {
        const buf = new Uint8Array(values.reduce((n, v) => n + varintSize(v), 0));
        const w = new ProtobufWriter(buf);
        for (const v of values) w.varint(v);
        const r = new ProtobufReader(buf);
        expect(values.map(() => r.varint())).toEqual(values);
        expect(r.done).toBe(true);
      }),
    );
    expect([0, 127, 128, 16_383, 16_384].map(varintSize)).toEqual([1, 1, 2, 2, 3]);
  });

  it('write a length-delimited field in fieldSize bytes and read it back as a view', () => {
    const value = Uint8Array.from({ length: 200 }, (_, i) => i);
    const buf = new Uint8Array(fieldSize(value.length));
    new ProtobufWriter(buf).bytes(0x0a, value);
    const r = new ProtobufReader(buf);
    expect(r.varint()).toBe(0x0a);
    const back = r.bytes();
    expect(back).toEqual(value);
    expect(back.buffer).toBe(buf.buffer);
    expect(r.done).toBe(true);
  });

  it('skip fixed-width and length-delimited fields and stop at the end of the range', () => {
    // fixed64, fixed32, then a 2-byte field, inside a range that ends before the last byte
    const buf = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 9, 0x02, 0xaa, 0xbb, 0xff]);
    const r = new ProtobufReader(buf, 0, buf.length - 1);
    r.skip(1);
    r.skip(5);
    r.skip(2);
    expect(r.done).toBe(true);
    expect(r.pos).toBe(15);
  });

  it('reject truncated, over-long and unsupported input with MalformedError', () => {
    const read = (bytes: number[], step: (r: ProtobufReader) => unknown) => () =>
      step(new ProtobufReader(Uint8Array.from(bytes)));
    expect(read([0x80, 0x80], (r) => r.varint())).toThrow(MalformedError);
    expect(read(Array(11).fill(0xff), (r) => r.varint())).toThrow('varint too long');
    expect(read([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f], (r) => r.varint())).toThrow(
      'varint too large',
    );
    expect(read([0x05, 0x01], (r) => r.bytes())).toThrow('truncated field');
    expect(read([1, 2, 3], (r) => r.skip(1))).toThrow('truncated field');
    expect(read([0], (r) => r.skip(3))).toThrow('unsupported wire type 3');
  });
});
