import { DeliveryBuffer } from './buffer.js';
import { checkBatch, checkRecord, RecordRateLimit, MAX_RECORD_BYTES } from './limits.js';
import { FirehoseApiError } from './errors.js';

const rec = (n: number, arrival: number) => ({ data: new Uint8Array(n), arrival });

describe('DeliveryBuffer: buffering hints, whichever comes first', () => {
  it('is due when the size hint is reached, before the interval', () => {
    const b = new DeliveryBuffer({ sizeBytes: 100, intervalMs: 60_000 });
    b.add(rec(60, 0));
    expect(b.due(1)).toBe(false);
    b.add(rec(40, 1));
    expect(b.due(1)).toBe(true);
  });

  it('is due when the oldest record waited the interval, whatever the size', () => {
    const b = new DeliveryBuffer({ sizeBytes: 1_000_000, intervalMs: 60_000 });
    expect(b.due(10_000_000)).toBe(false); // empty is never due
    b.add(rec(1, 1_000));
    b.add(rec(1, 50_000));
    expect(b.due(60_999)).toBe(false);
    expect(b.due(61_000)).toBe(true);
  });

  it('take empties it in order; putBack restores a failed batch before newer records', () => {
    const b = new DeliveryBuffer({ sizeBytes: 10, intervalMs: 1 });
    b.add({ data: Uint8Array.of(1), arrival: 5 });
    b.add({ data: Uint8Array.of(2), arrival: 6 });
    const batch = b.take();
    expect(batch?.oldestArrival).toBe(5);
    expect(b.length).toBe(0);
    b.add({ data: Uint8Array.of(3), arrival: 7 });
    b.putBack(batch!);
    expect(b.bytes).toBe(3);
    expect(b.take()?.records.map((r) => r.data[0])).toEqual([1, 2, 3]);
    expect(b.take()).toBeUndefined();
  });
});

describe('documented PutRecordBatch limits', () => {
  const err = (f: () => void) => {
    try {
      f();
    } catch (e) {
      return e as FirehoseApiError;
    }
    throw new Error('no error');
  };

  it('500 records pass, 501 fail with ValidationException', () => {
    expect(() => checkBatch(Array.from({ length: 500 }, () => new Uint8Array(1)))).not.toThrow();
    const e = err(() => checkBatch(Array.from({ length: 501 }, () => new Uint8Array(1))));
    expect(e.errorName).toBe('ValidationException');
    expect(e.message).toMatch(/at 'records' .* less than or equal to 500/);
    expect(err(() => checkBatch([])).errorName).toBe('ValidationException');
  });

  it('a record of 1,000 KiB passes, one byte more fails naming the 1-based member', () => {
    expect(() => checkRecord(new Uint8Array(MAX_RECORD_BYTES))).not.toThrow();
    const e = err(() => checkBatch([new Uint8Array(1), new Uint8Array(MAX_RECORD_BYTES + 1)]));
    expect(e.errorName).toBe('ValidationException');
    expect(e.message).toMatch(
      /^1 validation error detected: .*'records\.2\.member\.data'.*1024000$/,
    );
  });

  it('more than 4 MiB in one request fails with InvalidArgumentException', () => {
    const four = Array.from({ length: 4 }, () => new Uint8Array(1_000_000));
    expect(() => checkBatch(four)).not.toThrow();
    const e = err(() => checkBatch([...four, new Uint8Array(194_305)]));
    expect(e.errorName).toBe('InvalidArgumentException');
    expect(e.message).toBe('Records size exceeds 4 MB limit');
    expect(e.status).toBe(400);
  });

  it('the record rate quota admits a second’s worth and refills with time', () => {
    const limit = new RecordRateLimit(10, 0);
    expect(limit.admit(8, 0)).toBe(8);
    expect(limit.admit(8, 0)).toBe(2);
    expect(limit.admit(8, 500)).toBe(5);
    expect(limit.admit(100, 10_000)).toBe(10);
  });
});
