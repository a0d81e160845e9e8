/**
 * MTConnect file → scores: the sample documents of `data/mtconnect/` (two mills, both JSON
 * layouts, a reporting gap, an UNAVAILABLE spell, a planted spindle fault) decoded, mapped with
 * `data/mtconnect/mapping.json`, pivoted, carried forward, resampled and scored.
 */
import { readFileSync } from 'node:fs';
import { lastValueFrom, from, toArray } from 'rxjs';
import { PositionSet, traced, type Traced } from '../../core/index.js';
import { decodeMtconnect, isDeadLetter, parseMtMapping } from '../../operators/index.js';
import { machinePipeline, type MachineScore } from './machine-pipeline.js';

const docs = JSON.parse(readFileSync('data/mtconnect/sample-streams.json', 'utf8')) as unknown[];
const mapping = parseMtMapping(JSON.parse(readFileSync('data/mtconnect/mapping.json', 'utf8')));
const minute = (m: number) => Date.parse('2026-11-23T06:00:00Z') + m * 60_000;

async function run() {
  const observations = docs.flatMap((d) => {
    const { observations: o, problems } = decodeMtconnect(d);
    expect(problems).toEqual([]);
    return o;
  });
  const out = await lastValueFrom(
    from(observations.map((o) => traced(o, PositionSet.empty))).pipe(
      machinePipeline({ mapping }),
      toArray(),
    ),
  );
  const scores = out.filter((e): e is Traced<MachineScore> => !isDeadLetter(e)).map((e) => e.value);
  const dead = out.filter(isDeadLetter);
  return { scores, dead };
}

describe('machines pipeline on the MTConnect sample', () => {
  it('scores every minute of both mills once, interpolating the gap and the unavailable load', async () => {
    const { scores, dead } = await run();
    const of = (device: string) => scores.filter((s) => s.device === device);
    const vmc1 = of('VMC-1').map((s) => s.time);
    const vmc2 = of('VMC-2').map((s) => s.time);
    expect(new Set(vmc1).size).toBe(vmc1.length);
    // VMC-2's minutes 60-63 are imputed grid points, not missing
    expect(vmc2).toEqual(Array.from({ length: 120 }, (_, m) => minute(m)));
    expect(
      of('VMC-2')
        .filter((s) => s.imputed)
        .map((s) => s.time),
    ).toEqual([60, 61, 62, 63].map(minute));
    // VMC-1's load is UNAVAILABLE in minutes 40-41: those minutes are unscorable dead letters
    expect(dead.map((d) => [d.reason, (d.raw as { time: number }).time])).toEqual([
      ['unscorable', minute(40)],
      ['unscorable', minute(41)],
    ]);
    // … and the grid fills them in by interpolation, marked imputed
    expect(vmc1).toEqual(Array.from({ length: 120 }, (_, m) => minute(m)));
    expect(
      of('VMC-1')
        .filter((s) => s.imputed)
        .map((s) => s.time),
    ).toEqual([40, 41].map(minute));
    expect(of('VMC-1')[0]!.values).toMatchObject({ executing: 1, temp_condition: 0 });
  });

  it('grades the planted spindle fault (minutes 90-92 of VMC-1) above everything else', async () => {
    const { scores } = await run();
    const graded = scores.filter((s) => s.grade > 0);
    expect(graded.length).toBeGreaterThan(0);
    const top = [...scores].sort((a, b) => b.score - a.score)[0]!;
    expect(top.device).toBe('VMC-1');
    expect(top.time).toBeGreaterThanOrEqual(minute(90));
    expect(top.time).toBeLessThanOrEqual(minute(93));
    for (const s of graded) expect(s.device === 'VMC-1' && s.time >= minute(90)).toBe(true);
  });
});
