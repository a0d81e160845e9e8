/**
 * The machines document pipeline without AWS: MTConnect documents as source records through
 * `createPipeline` (picked before validation, readings beside them untouched), and a shard
 * restored from a snapshot half-way scoring every minute exactly once.
 */
import { readFileSync } from 'node:fs';
import { from, lastValueFrom, Subject, toArray } from 'rxjs';
import type { SourceRecord } from '../../core/index.js';
import { parseMtMapping } from '../../operators/index.js';
import { record } from '../../operators/testing/fixtures.js';
import { createPipeline, type ResultItem } from '../runtime/index.js';
import { KeyedStateBackend } from '../state/index.js';
import { deviceSpec } from '../devices/index.js';
import { isMtconnectDocument, machineDocumentSpec } from './index.js';

const docs = JSON.parse(readFileSync('data/mtconnect/sample-streams.json', 'utf8')) as unknown[];
const mapping = parseMtMapping(JSON.parse(readFileSync('data/mtconnect/mapping.json', 'utf8')));
// a small forest: these tests are about routing and state, not about the scores
const spec = machineDocumentSpec({
  mapping,
  forest: { numberOfTrees: 20, sampleSize: 32, outputAfter: 16 },
});

const run = (payloads: unknown[], state: KeyedStateBackend, first = 0): Promise<ResultItem[]> =>
  lastValueFrom(
    from(payloads.map((p, i) => record(first + i, p))).pipe(
      createPipeline([deviceSpec()], { state }, [spec]),
      toArray(),
    ),
  );

const minutes = (items: ResultItem[]) =>
  items
    .filter((i) => i.pipeline === 'machines')
    .flatMap((i) => i.outputs.readings)
    .map((r) => `${r.key.pk}@${r.key.sk}`);

describe('machineDocumentSpec', () => {
  it('takes MTConnect documents only', () => {
    expect(isMtconnectDocument(docs[0])).toBe(true);
    expect(isMtconnectDocument({ kind: 'device' })).toBe(false);
    expect(isMtconnectDocument(null)).toBe(false);
  });

  it('scores documents from records and dead-letters an empty one, readings unaffected', async () => {
    const items = await run(
      [...docs, { MTConnectStreams: {} }, { kind: 'nope' }],
      new KeyedStateBackend(),
    );
    const scored = minutes(items);
    expect(new Set(scored).size).toBe(scored.length);
    // all minutes but each machine's last (still open), less VMC-1's two unscorable ones
    expect(scored.length).toBeGreaterThanOrEqual(2 * 119 - 2);
    const dead = items.flatMap((i) => i.outputs.deadLetters.map((d) => [i.pipeline, d.reason]));
    expect(dead).toContainEqual(['machines', 'schema']);
    expect(dead).toContainEqual(['front', 'schema']); // the bad reading went the readings way
    const row = items.find((i) => i.pipeline === 'machines' && i.outputs.readings.length)?.outputs
      .readings[0];
    expect(row?.attributes).toMatchObject({ kind: 'machine' });
    expect(typeof row?.attributes.score).toBe('number');
  });

  it('restored from a snapshot half-way, scores every minute exactly once', async () => {
    const whole = minutes(await run(docs, new KeyedStateBackend()));
    // the first session is cut off without completing (a completion would flush the open minutes)
    const before = new KeyedStateBackend();
    const half = Math.floor(docs.length / 2);
    const input = new Subject<SourceRecord>();
    const emitted: ResultItem[] = [];
    const sub = input
      .pipe(createPipeline([deviceSpec()], { state: before }, [spec]))
      .subscribe((i) => emitted.push(i));
    docs.slice(0, half).forEach((d, i) => input.next(record(i, d)));
    sub.unsubscribe();
    const first = minutes(emitted);
    expect([...before.register('machines.pending').keys()].length).toBeGreaterThan(0);
    const after = new KeyedStateBackend();
    after.restore(JSON.parse(JSON.stringify(before.snapshot())) as never);
    const second = minutes(await run(docs.slice(half), after, half));
    expect([...first, ...second].sort()).toEqual([...whole].sort());
  });
});
