import { ConfigError } from '../core/index.js';
import { PollingReader } from './polling-reader.js';
import { cannedClient, jsonResponse, operationOf } from './testing/canned-client.js';

/**
 * A client answering `GetRecords` with one record each time (a backlog), no network.
 * `starts` holds, per call, `clock()` at the call: by default the wall clock when the call
 * reaches the client; pass the reader's last clock reading to time calls by the reader's
 * own clock, free of the SDK's time in between (seconds under load).
 */
function backlog(clock: () => number = Date.now) {
  const starts: number[] = [];
  let n = 0;
  const kinesis = cannedClient((request) => {
    if (operationOf(request) === 'GetShardIterator')
      return jsonResponse(200, { ShardIterator: 'it-0' });
    starts.push(clock());
    n += 1;
    return jsonResponse(200, {
      NextShardIterator: `it-${n}`,
      MillisBehindLatest: 1000,
      Records: [
        {
          SequenceNumber: String(n),
          ApproximateArrivalTimestamp: 1764400000,
          Data: Buffer.from(`r${n}`).toString('base64'),
          PartitionKey: 'k',
        },
      ],
    });
  });
  return { kinesis, starts };
}

const base = { streamName: 's', shardId: 'shardId-000000000000' } as const;

describe('PollingReader call pacing', () => {
  it('starts GetRecords calls on a shard at least minCallIntervalMs apart while it reads a backlog', async () => {
    // the reader reads the clock right before each call: the last reading is the call's start
    let lastReading = 0;
    const { kinesis, starts } = backlog(() => lastReading);
    const reader = new PollingReader({
      ...base,
      kinesis,
      start: { type: 'TRIM_HORIZON' },
      minCallIntervalMs: 60,
      now: () => (lastReading = Date.now()),
    });
    const signal = new AbortController().signal;
    const read: string[] = [];
    for (let i = 0; i < 4; i += 1) {
      const { records } = await reader.read(signal);
      read.push(...records.map((r) => r.SequenceNumber ?? ''));
    }
    expect(read).toEqual(['1', '2', '3', '4']);
    const gaps = starts.slice(1).map((t, i) => t - (starts[i] as number));
    // timers may fire a millisecond early; never the 0–2 ms of back-to-back calls
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(59);
    kinesis.destroy();
  });

  it('waits for what is left of the interval by the injected clock, and not once it has passed', async () => {
    const { kinesis, starts } = backlog();
    let clock = 1_000;
    const reader = new PollingReader({
      ...base,
      kinesis,
      start: { type: 'TRIM_HORIZON' },
      minCallIntervalMs: 10_000,
      now: () => clock,
    });
    await reader.read(new AbortController().signal);
    // the clock stands still: the next call waits (10 s), so an abort after 50 ms ends it
    await expect(reader.read(AbortSignal.timeout(50))).rejects.toThrow();
    expect(starts).toHaveLength(1);
    clock += 10_000; // the interval has passed by the clock: no wait
    await reader.read(new AbortController().signal);
    expect(starts).toHaveLength(2);
    kinesis.destroy();
  });

  it('rejects an interval below 0 or above 60 s', () => {
    const { kinesis } = backlog();
    for (const minCallIntervalMs of [-1, 60_001])
      expect(
        () =>
          new PollingReader({
            ...base,
            kinesis,
            start: { type: 'TRIM_HORIZON' },
            minCallIntervalMs,
          }),
      ).toThrow(ConfigError);
    kinesis.destroy();
  });
});

describe('PollingReader retries', () => {
  it('keeps its iterator through repeated 5xx when it started at LATEST and delivered nothing yet', async () => {
    const calls: string[] = [];
    let getRecords = 0;
    const kinesis = cannedClient((request) => {
      const op = operationOf(request);
      const input = JSON.parse(new TextDecoder().decode(request.body as Uint8Array)) as {
        ShardIterator?: string;
      };
      calls.push(op === 'GetRecords' ? `GetRecords(${input.ShardIterator})` : op);
      if (op === 'GetShardIterator') return jsonResponse(200, { ShardIterator: 'latest-0' });
      getRecords += 1;
      // three 500s in a row after the first empty read
      if (getRecords >= 2 && getRecords <= 4)
        return jsonResponse(500, { __type: 'InternalFailure', message: 'injected' });
      const record = { SequenceNumber: '7', Data: 'eA==', PartitionKey: 'k' };
      return jsonResponse(200, {
        NextShardIterator: 'latest-1',
        Records: getRecords === 1 ? [] : [{ ...record, ApproximateArrivalTimestamp: 1 }],
      });
    });
    const reader = new PollingReader({
      ...base,
      kinesis,
      start: { type: 'LATEST' },
      idleTimeMs: 0,
      minCallIntervalMs: 0,
      random: () => 0,
    });
    const signal = new AbortController().signal;
    expect((await reader.read(signal)).records).toHaveLength(0);
    expect((await reader.read(signal)).records.map((r) => r.SequenceNumber)).toEqual(['7']);
    // re-opening at LATEST would skip what arrived after latest-1's position
    expect(calls).toEqual([
      'GetShardIterator',
      'GetRecords(latest-0)',
      'GetRecords(latest-1)',
      'GetRecords(latest-1)',
      'GetRecords(latest-1)',
      'GetRecords(latest-1)',
    ]);
    kinesis.destroy();
  });
});
