/** Scenario selection and the fault schedule. */
import { parseScenarios, planFaults, SCENARIOS } from './scenarios.js';

it('selects scenarios by name, all by default, and rejects unknown ones', () => {
  expect(parseScenarios('all')).toEqual([...SCENARIOS]);
  expect(parseScenarios('reshard, kill')).toEqual(['kill', 'reshard']);
  expect(() => parseScenarios('kill,flood')).toThrow(/unknown scenario "flood"/);
});

it('schedules only the selected faults, inside production, in time order', () => {
  const steps = planFaults(['kill', 'sink'], { productionMs: 120_000, workers: 3 });
  expect(steps.map((s) => s.kind)).toEqual(['kill', 'sink-down', 'kill', 'kill', 'kill']);
  expect(
    steps.filter((s) => s.kind === 'kill').map((s) => (s.kind === 'kill' ? s.slot : -1)),
  ).toEqual([0, 1, 2, 0]);
  for (const s of steps) expect(s.at).toBeLessThan(120_000);
  const sink = steps.find((s) => s.kind === 'sink-down');
  expect(sink?.kind === 'sink-down' && sink.durationMs).toBe(30_000);
  expect(planFaults(['throttle', 'malformed'], { productionMs: 60_000, workers: 2 })).toEqual([]);
});
