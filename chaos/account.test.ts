/**
 * The chaos suite's ledger: durable / lost / unprocessed per record, duplicates attributed to
 * the fault that caused them, dead letters recognised by the identity in their payload.
 */
import { account, causeOf, checkpointPassed, type SentRecord } from './account.js';
import { catchUp, missingForecasts, rereadAfterKill } from './timing.js';
import {
  identityOfRaw,
  minuteRecords,
  seededRandom,
  windowStartOf,
  workloadKeys,
} from './workload.js';

const rec = (
  key: string,
  minute: number,
  seq: number,
  extra: Partial<SentRecord> = {},
): SentRecord => ({
  key,
  minute,
  shardId: 's-0',
  sequenceNumber: String(seq),
  putAt: 1_000 * minute,
  ...extra,
});
const score = (key: string, minute: number, writtenAt: number, imputed = false) => ({
  key,
  windowStart: windowStartOf(minute),
  imputed,
  writtenAt,
});

describe('account', () => {
  it('tells durable, lost (checkpoint passed) and unprocessed (not checkpointed) apart', () => {
    const sent = [
      rec('a', 0, 10),
      rec('a', 1, 20),
      rec('a', 2, 30),
      rec('a', 3, 40),
      rec('b', 3, 21),
    ];
    const a = account({
      sent,
      // minute 1 only imputed: its record was never seen
      scores: [score('a', 0, 5), score('a', 1, 6, true)],
      deadLetters: [{ identity: 'a@2', reason: 'late', writtenAt: 7 }],
      checkpoints: { 's-0': '25' },
      events: [],
    });
    expect(a.durable).toBe(2);
    expect(a.lost).toEqual(['a@1']);
    // b@3 is checkpointed but its key has nothing durable after it: maybe in an open window
    expect(a.unprocessed).toEqual(['a@3', 'b@3']);
    expect(a.unprocessedCheckpointed).toBe(1);
    expect(a.unprocessedByShard).toEqual({ 's-0': 2 });
    expect(a.validDeadLettered).toEqual({ late: 1 });
    expect(a.firstDurableAt.get('a@0')).toBe(5);
  });

  it('counts extra copies and attributes each to the latest fault on its shard', () => {
    const sent = [rec('a', 0, 10), rec('b', 0, 11, { shardId: 's-1' })];
    const a = account({
      sent,
      scores: [
        score('a', 0, 1_000),
        score('a', 0, 9_000),
        score('b', 0, 1_000),
        score('b', 0, 9_500),
      ],
      deadLetters: [],
      checkpoints: { 's-0': 'SHARD_END', 's-1': 'SHARD_END' },
      events: [
        { at: 3_000, label: 'kill', shards: ['s-0'] },
        { at: 4_000, label: 'lease move', shards: ['s-2'] },
        { at: 2_000, until: 8_000, label: 'sink down', shards: [] },
        { at: 8_500, label: 'stop', shards: [] },
      ],
    });
    expect(a.duplicates).toBe(2);
    // a shard's own event wins over a later run-wide one
    expect(a.duplicatesByCause).toEqual({ kill: 1, stop: 1 });
  });

  it('groups dead letters by reason and flags a malformed record with the wrong reason', () => {
    const a = account({
      sent: [
        rec('a', 0, 1, { malformed: 'schema' }),
        rec('a', 1, 2, { malformed: 'invalid-json' }),
      ],
      scores: [],
      deadLetters: [
        { identity: 'a@0', reason: 'schema', writtenAt: 1 },
        { identity: 'a@0', reason: 'schema', writtenAt: 2 },
        { identity: 'a@1', reason: 'schema', writtenAt: 1 },
      ],
      checkpoints: {},
      events: [],
    });
    expect(a.deadLetters).toEqual({ schema: { records: 2, lines: 3 } });
    expect(a.wrongReason).toBe(1);
    expect(a.duplicates).toBe(1);
    expect(a.lost).toEqual([]);
  });

  it('compares checkpoints as numbers and knows SHARD_END', () => {
    expect(checkpointPassed('100', '99')).toBe(true);
    expect(checkpointPassed('100', '1000')).toBe(false);
    expect(checkpointPassed('SHARD_END', '5')).toBe(true);
    expect(checkpointPassed('TRIM_HORIZON', '5')).toBe(false);
    expect(causeOf([], 's-0', 0, 1)).toBe('unattributed');
  });
});

describe('timing', () => {
  it('catch-up is the latest first-durable time of the backlog, and how many never were', () => {
    const sent = [rec('a', 0, 1), rec('a', 1, 2), rec('a', 2, 3)];
    const durable = new Map([
      ['a@0', 4_000],
      ['a@1', 12_000],
    ]);
    // at 1 s (+5 s grace) minutes 0..2 are put; minutes 0 and 1 must be durable
    expect(catchUp(sent, durable, 1_000)).toEqual({ ms: 11_000, never: 0 });
    expect(catchUp(sent, new Map([['a@0', 4_000]]), 1_000)).toEqual({ ms: 3_000, never: 1 });
  });

  it('re-read after a kill: the victim’s records past its checkpoints', () => {
    const sent = [rec('a', 0, 10), rec('a', 1, 20), rec('a', 2, 30), rec('a', 9, 90)];
    expect(rereadAfterKill(sent, ['s-0'], { 's-0': '10' }, 2_500)).toBe(2);
    expect(rereadAfterKill(sent, ['s-9'], { 's-0': '10' }, 2_500)).toBe(0);
  });

  it('windows without forecasts after a key’s first forecast', () => {
    const scores = [0, 1, 2, 3].map((m) => score('a', m, 0));
    const origins = new Set([`a|${windowStartOf(1)}`, `a|${windowStartOf(3)}`]);
    expect(missingForecasts(scores, origins)).toEqual({ windows: 1, keys: 1 });
  });
});

describe('workload', () => {
  it('malforms about the asked share, reproducibly, and every malformed record is recognisable', () => {
    const keys = workloadKeys(80, 20);
    const make = () =>
      Array.from({ length: 100 }, (_, m) =>
        minuteRecords(keys, m, 0.01, seededRandom(7 + m)),
      ).flat();
    const records = make();
    const bad = records.filter((r) => r.malformed);
    expect(bad.length).toBeGreaterThan(50);
    expect(bad.length).toBeLessThan(150);
    expect(make().map((r) => r.data)).toEqual(records.map((r) => r.data));
    for (const r of bad) {
      const raw: unknown = r.malformed === 'invalid-json' ? r.data : JSON.parse(r.data);
      expect(identityOfRaw(raw)).toBe(`${r.key}@${r.minute}`);
    }
    expect(bad.filter((r) => r.kind === 'household' && r.malformed === 'out-of-range')).toEqual([]);
  });
});
