import { RecordRejectedError } from './errors.js';
import { MAX_RECORD_BYTES, checkRecord } from './limits.js';

describe('checkRecord', () => {
  it('counts data plus UTF-8 partition key bytes', () => {
    expect(checkRecord({ partitionKey: 'é', data: 'abc' }).size).toBe(5);
  });

  it('accepts a record of exactly 1 MiB and rejects one byte more, before sending', () => {
    const pk = 'k';
    expect(checkRecord({ partitionKey: pk, data: new Uint8Array(MAX_RECORD_BYTES - 1) }).size).toBe(
      MAX_RECORD_BYTES,
    );
    let error: unknown;
    try {
      checkRecord({ partitionKey: pk, data: new Uint8Array(MAX_RECORD_BYTES) });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RecordRejectedError);
    expect(error).toMatchObject({ code: 'RECORD_TOO_LARGE', retriable: false });
  });

  it.each([
    [{ partitionKey: '', data: 'x' }],
    [{ partitionKey: 'x'.repeat(257), data: 'x' }],
    [{ partitionKey: 'k', data: 'x', explicitHashKey: '-1' }],
    [{ partitionKey: 'k', data: 'x', explicitHashKey: String(1n << 128n) }],
  ])('rejects malformed %#', (record) => {
    expect(() => checkRecord(record)).toThrow(expect.objectContaining({ code: 'RECORD_INVALID' }));
  });

  it('accepts 256 characters and the largest hash key', () => {
    expect(() =>
      checkRecord({
        partitionKey: '😀'.repeat(256),
        data: 'x',
        explicitHashKey: String((1n << 128n) - 1n),
      }),
    ).not.toThrow();
  });
});
