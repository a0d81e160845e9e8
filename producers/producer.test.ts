import { RecordRejectedError } from './errors.js';
import { loopbackWriter } from './kinesis-writer.js';
import { KinesisProducer } from './producer.js';
import type { PutResult } from './producer-options.js';
import type { ProducerEvent } from './producer-events.js';
import { VirtualClock, settle } from '../core/index.js';

const record = (i: number, bytes = 10) => ({
  partitionKey: `device-${i}`,
  data: new Uint8Array(bytes).fill(i % 256),
});

describe('KinesisProducer on a loopback sink with virtual time', () => {
  it('paces one shard to its records-per-second token bucket, exactly', async () => {
    const clock = new VirtualClock();
    const writer = loopbackWriter(1);
    const producer = new KinesisProducer({
      writer,
      clock,
      aggregate: false,
      lingerMs: 0,
      recordsPerSecondPerShard: 10,
    });
    const delivered: PutResult[] = [];
    for (let i = 0; i < 25; i += 1) void producer.put(record(i)).then((r) => delivered.push(r));
    await clock.advance(0);
    expect(delivered).toHaveLength(10); // the full bucket
    await clock.advance(500);
    expect(delivered).toHaveLength(15); // 5 tokens refilled in 500 ms
    await clock.advance(1_000);
    expect(delivered).toHaveLength(25);
    await producer.close();
  });

  it('paces bytes per second too', async () => {
    const clock = new VirtualClock();
    const producer = new KinesisProducer({
      writer: loopbackWriter(1),
      clock,
      aggregate: false,
      lingerMs: 0,
      bytesPerSecondPerShard: 100_000,
    });
    let delivered = 0;
    // Bucket capacity is 1 MiB (one maximal record must fit); 20 × 100 kB records.
    for (let i = 0; i < 20; i += 1) {
      void producer.put(record(i, 100_000 - 9)).then(() => (delivered += 1));
    }
    await clock.advance(0);
    expect(delivered).toBe(10); // 1,048,576 bytes hold ten 100,000-byte records
    await clock.advance(1_000);
    expect(delivered).toBe(11);
    await clock.advance(9_000);
    expect(delivered).toBe(20);
    await producer.close();
  });

  it('waits for the linger time unless a full call is ready', async () => {
    const clock = new VirtualClock();
    const writer = loopbackWriter(2);
    const producer = new KinesisProducer({ writer, clock, aggregate: false, lingerMs: 100 });
    let delivered = 0;
    for (let i = 0; i < 3; i += 1) void producer.put(record(i)).then(() => (delivered += 1));
    await clock.advance(99);
    expect(delivered).toBe(0);
    await clock.advance(1);
    expect(delivered).toBe(3);
    expect(writer.calls).toBe(1);
    for (let i = 0; i < 1_200; i += 1) void producer.put(record(i)).then(() => (delivered += 1));
    await clock.advance(0);
    // 1,200 records: two full calls of 500 go at once, the rest waits for the linger.
    expect(writer.calls).toBe(3);
    expect(delivered).toBe(1_003);
    await clock.advance(100);
    expect(delivered).toBe(1_203);
    await producer.close();
  });

  it('aggregates small records per shard and reports their sub-sequence numbers', async () => {
    const clock = new VirtualClock();
    const writer = loopbackWriter(4);
    const events: ProducerEvent[] = [];
    const producer = new KinesisProducer({ writer, clock, onEvent: (e) => events.push(e) });
    const results = Promise.all(Array.from({ length: 400 }, (_, i) => producer.put(record(i))));
    await clock.advance(100);
    const out = await results;
    // 400 user records in 4 shards: 4 aggregated Kinesis records in one call.
    expect(writer.calls).toBe(1);
    expect(writer.records).toBe(4);
    expect(new Set(out.map((r) => `${r.shardId}/${r.sequenceNumber}`)).size).toBe(4);
    expect(out.every((r) => r.subSequenceNumber !== undefined)).toBe(true);
    expect(events.filter((e) => e.type === 'producer.misprediction')).toEqual([]);
    await producer.close();
  });

  it('fails records that outlive their time-to-live with TTL_EXPIRED', async () => {
    const clock = new VirtualClock();
    const producer = new KinesisProducer({
      writer: loopbackWriter(1),
      clock,
      aggregate: false,
      lingerMs: 0,
      recordsPerSecondPerShard: 1,
      recordTtlMs: 2_000,
    });
    const outcomes: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      producer.put(record(i)).then(
        () => outcomes.push(`ok ${i}`),
        (e: { reason: string }) => outcomes.push(`${e.reason} ${i}`),
      );
    }
    await clock.advance(1_000);
    expect(outcomes).toEqual(['ok 0', 'ok 1']); // one token at start, one a second later
    await clock.advance(1_000);
    expect(outcomes).toEqual(['ok 0', 'ok 1', 'TTL_EXPIRED 2', 'TTL_EXPIRED 3', 'TTL_EXPIRED 4']);
    expect(producer.stats()).toMatchObject({ delivered: 2, failed: 3, buffered: 0 });
    await producer.close();
  });

  it('applies back-pressure: put waits while the buffer is full', async () => {
    const clock = new VirtualClock();
    const producer = new KinesisProducer({
      writer: loopbackWriter(1),
      clock,
      aggregate: false,
      lingerMs: 1_000,
      maxBufferedRecords: 3,
    });
    for (let i = 0; i < 3; i += 1) void producer.put(record(i));
    let fourthAccepted = false;
    void producer.writable().then(() => (fourthAccepted = true));
    await settle();
    expect(producer.stats().buffered).toBe(3);
    expect(fourthAccepted).toBe(false);
    await clock.advance(1_000);
    expect(fourthAccepted).toBe(true);
    await producer.close();
  });

  it('close() delivers everything buffered, then rejects new puts', async () => {
    const clock = new VirtualClock();
    const writer = loopbackWriter(2);
    const producer = new KinesisProducer({ writer, clock, lingerMs: 60_000 });
    const puts = Array.from({ length: 50 }, (_, i) => producer.put(record(i)));
    const closing = producer.close();
    await clock.advance(0);
    await closing;
    expect((await Promise.all(puts)).length).toBe(50);
    expect(producer.stats()).toMatchObject({ accepted: 50, delivered: 50, failed: 0, buffered: 0 });
    await expect(producer.put(record(1))).rejects.toMatchObject({ code: 'PRODUCER_CLOSED' });
  });

  it('rejects a record over the limit at put(), sending nothing', async () => {
    const writer = loopbackWriter(1);
    const producer = new KinesisProducer({ writer, clock: new VirtualClock() });
    await expect(
      producer.put({ partitionKey: 'k', data: new Uint8Array(1024 * 1024) }),
    ).rejects.toBeInstanceOf(RecordRejectedError);
    expect(writer.calls).toBe(0);
    expect(producer.stats().accepted).toBe(0);
  });

  it('checks its options up front with a non-retriable error', () => {
    expect(() => new KinesisProducer({ writer: loopbackWriter(1), maxInFlightCalls: 0 })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', retriable: false }),
    );
  });

  describe('putMany (one promise per call)', () => {
    it('delivers every record and resolves once with the count, aggregated as put would', async () => {
      const clock = new VirtualClock();
      const writer = loopbackWriter(4);
      const producer = new KinesisProducer({ writer, clock });
      let resolved = 0;
      const done = producer.putMany(Array.from({ length: 400 }, (_, i) => record(i)));
      void done.then(() => (resolved += 1));
      await settle();
      expect(resolved).toBe(0); // lingering: nothing sent yet
      await clock.advance(100);
      expect(await done).toEqual({ delivered: 400, failed: [] });
      expect(writer.calls).toBe(1);
      expect(writer.records).toBe(4); // one aggregate per shard, as with 400 puts
      expect(producer.stats()).toMatchObject({ accepted: 400, delivered: 400, buffered: 0 });
      expect(await producer.putMany([])).toEqual({ delivered: 0, failed: [] });
      await producer.close();
    });

    it('reports a record over the limit by its index and sends the others', async () => {
      const clock = new VirtualClock();
      const writer = loopbackWriter(1);
      const producer = new KinesisProducer({ writer, clock, aggregate: false, lingerMs: 0 });
      const done = producer.putMany([
        record(0),
        { partitionKey: 'k', data: new Uint8Array(1024 * 1024) },
        record(2),
      ]);
      await clock.advance(0);
      const out = await done;
      expect(out.delivered).toBe(2);
      expect(out.failed).toHaveLength(1);
      expect(out.failed[0]?.index).toBe(1);
      expect(out.failed[0]?.error).toBeInstanceOf(RecordRejectedError);
      expect(writer.records).toBe(2);
      await producer.close();
    });

    it('waits for room record by record when the batch is larger than the buffer', async () => {
      const clock = new VirtualClock();
      const writer = loopbackWriter(1);
      const producer = new KinesisProducer({
        writer,
        clock,
        aggregate: false,
        lingerMs: 0,
        maxBufferedRecords: 3,
        recordsPerSecondPerShard: 2,
      });
      const done = producer.putMany(Array.from({ length: 7 }, (_, i) => record(i)));
      await clock.advance(0);
      expect(producer.stats().buffered).toBeLessThanOrEqual(3);
      expect(writer.records).toBe(2); // the full bucket
      await clock.advance(3_000);
      expect(await done).toEqual({ delivered: 7, failed: [] });
      expect(writer.records).toBe(7);
      await producer.close();
    });

    it('reports records that outlive their time-to-live by index, and rejects once closed', async () => {
      const clock = new VirtualClock();
      const producer = new KinesisProducer({
        writer: loopbackWriter(1),
        clock,
        aggregate: false,
        lingerMs: 0,
        recordsPerSecondPerShard: 1,
        recordTtlMs: 1_500,
      });
      const done = producer.putMany(Array.from({ length: 4 }, (_, i) => record(i)));
      await clock.advance(5_000);
      const out = await done;
      expect(out.delivered).toBeGreaterThanOrEqual(1);
      expect(out.delivered + out.failed.length).toBe(4);
      expect(
        out.failed.every((f) => (f.error as { reason?: string }).reason === 'TTL_EXPIRED'),
      ).toBe(true);
      expect(out.failed.map((f) => f.index).sort()).toEqual(
        [3, 2, 1].slice(0, out.failed.length).sort(),
      );
      await producer.close();
      await expect(producer.putMany([record(1)])).rejects.toMatchObject({
        code: 'PRODUCER_CLOSED',
      });
    });
  });
});
