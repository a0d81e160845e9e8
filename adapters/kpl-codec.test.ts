import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { decodeKplAggregate } from './kpl-decoder.js';
import { KplAggregate } from './kpl-encoder.js';
import { isKplAggregate, type KplUserRecord } from './kpl-format.js';

/** The reference deaggregator, as an independent reader of what we encode. */
const reference = createRequire(import.meta.url)('aws-kinesis-agg') as {
  deaggregateSync(
    record: { partitionKey: string; data: string; sequenceNumber: string },
    checksums: boolean,
    done: (err: Error | null | undefined, out?: { partitionKey: string; data: string }[]) => void,
  ): void;
};

const encode = (records: KplUserRecord[]): Buffer => {
  const agg = new KplAggregate(1_000_000);
  for (const r of records) expect(agg.tryAdd(r)).toBe(true);
  const encoded = agg.encode();
  expect(encoded.length).toBe(agg.bytes);
  return encoded;
};
const rec = (partitionKey: string, data: string, explicitHashKey?: string): KplUserRecord => ({
  partitionKey,
  data: Buffer.from(data),
  ...(explicitHashKey === undefined ? {} : { explicitHashKey }),
});
/** Wraps a protobuf message in magic + MD5 trailer (a valid envelope around any bytes). */
const envelope = (message: Uint8Array): Buffer =>
  Buffer.concat([
    Buffer.from([0xf3, 0x89, 0x9a, 0xc2]),
    message,
    createHash('md5').update(message).digest(),
  ]);

describe('KPL codec', () => {
  it('gives an explicit hash key only to user records that have their own (KCL AggregatorUtil)', () => {
    const users = [rec('a', 'r0', '123'), rec('b', 'r1'), rec('c', 'r2', '456'), rec('a', 'r3')];
    const out = decodeKplAggregate(encode(users));
    expect(
      out?.map((u) => [u.partitionKey, u.explicitHashKey, Buffer.from(u.data).toString()]),
    ).toEqual([
      ['a', '123', 'r0'],
      ['b', undefined, 'r1'],
      ['c', '456', 'r2'],
      ['a', undefined, 'r3'],
    ]);
    expect(out?.[1]).not.toHaveProperty('explicitHashKey');
  });

  it('round-trips any user records, and the reference library reads the same records', () => {
    const user = fc.record(
      {
        // integer-like keys too: a plain-object key table would reorder them
        partitionKey: fc.oneof(fc.string({ minLength: 1, maxLength: 20 }), fc.nat(20).map(String)),
        explicitHashKey: fc.oneof(
          fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }).map(String),
          fc.nat(5).map(String),
        ),
        data: fc.uint8Array({ minLength: 1, maxLength: 64 }),
      },
      { requiredKeys: ['partitionKey', 'data'] },
    );
    fc.assert(
      fc.property(fc.array(user, { minLength: 1, maxLength: 30 }), (users) => {
        const encoded = encode(users);
        expect(isKplAggregate(encoded)).toBe(true);
        const back = decodeKplAggregate(encoded);
        expect(back).toEqual(users.map((u) => ({ ...u, data: Uint8Array.from(u.data) })));
        let ref: { partitionKey: string; data: string }[] = [];
        reference.deaggregateSync(
          { partitionKey: 'x', sequenceNumber: '1', data: encoded.toString('base64') },
          true,
          (err, out) => {
            if (err) throw err;
            ref = out ?? [];
          },
        );
        expect(ref.map((r) => [r.partitionKey, r.data])).toEqual(
          users.map((u) => [u.partitionKey, Buffer.from(u.data).toString('base64')]),
        );
      }),
    );
  });

  it('treats plain records, bad checksums and malformed messages as not aggregated', () => {
    expect(decodeKplAggregate(Buffer.from('{"plain":true}'))).toBeUndefined();
    expect(decodeKplAggregate(new Uint8Array(0))).toBeUndefined();
    const good = encode([rec('k', 'x'), rec('k', 'y')]);
    const badSum = Buffer.from(good);
    badSum[badSum.length - 1] = (badSum[badSum.length - 1] as number) ^ 0xff;
    expect(decodeKplAggregate(badSum)).toBeUndefined();
    // valid envelope, but the record's partition key index (field 1 = 5) is out of range
    expect(
      decodeKplAggregate(
        envelope(Uint8Array.from([0x0a, 0x01, 0x6b, 0x1a, 0x05, 0x08, 0x05, 0x1a, 0x01, 0x78])),
      ),
    ).toBeUndefined();
    // valid envelope, truncated length-delimited field
    expect(decodeKplAggregate(envelope(Uint8Array.from([0x0a, 0x09, 0x6b])))).toBeUndefined();
  });

  it('keeps an aggregate within its byte budget', () => {
    const agg = new KplAggregate(300);
    let added = 0;
    while (agg.tryAdd(rec('k', 'x'.repeat(50)))) added += 1;
    expect(added).toBeGreaterThan(1);
    expect(agg.encode().length).toBeLessThanOrEqual(300);
  });
});

describe('KplAggregate.encode bytes', () => {
  it('are those of the encoder before in-place nested records (golden digest, keys and hash keys)', () => {
    const agg = new KplAggregate();
    const enc = new TextEncoder();
    for (let i = 0; i < 200; i++) {
      const ehk = i % 5 === 0 ? { explicitHashKey: String(BigInt(i) * 123456789n) } : {};
      expect(
        agg.tryAdd({ partitionKey: `dev-${i % 7}`, data: enc.encode('x'.repeat(i)), ...ehk }),
      ).toBe(true);
    }
    const out = agg.encode();
    expect(out.length).toBe(21890);
    // sha256 of what the encoder wrote when each nested record had its own buffer (a74f289).
    expect(createHash('sha256').update(out).digest('hex')).toBe(
      '2e779f9355cfe66c5ad4dfa052c1d483784a4a9640122a0314af79ec83105870',
    );
    expect(decodeKplAggregate(out)).toHaveLength(200);
  });
});
