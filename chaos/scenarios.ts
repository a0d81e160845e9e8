/**
 * @module chaos/scenarios
 * The chaos suite's scenarios and the fault schedule they make, as pure data. `throttle`
 * (10% of every AWS call answered with a throttling error or a 5xx by the fault proxies) and
 * `malformed` (1% of the records) last the whole run; the others are steps at fixed fractions
 * of the production time, spread so that each fault's recovery can be told apart.
 */

/** Every scenario, in schedule order. */
export const SCENARIOS = ['kill', 'reshard', 'sink', 'model', 'throttle', 'malformed'] as const;
/** A scenario name. */
export type Scenario = (typeof SCENARIOS)[number];

/** One scheduled fault; `at` is milliseconds after production started. */
export type FaultStep =
  | { readonly kind: 'kill'; readonly at: number; readonly slot: number }
  | { readonly kind: 'split'; readonly at: number }
  | { readonly kind: 'merge'; readonly at: number }
  | { readonly kind: 'sink-down'; readonly at: number; readonly durationMs: number }
  | { readonly kind: 'model-down'; readonly at: number; readonly durationMs: number };

/** Parses `kill,reshard` (or `all`) into scenarios; throws on an unknown name. */
export function parseScenarios(text: string): Scenario[] {
  if (text.trim() === '' || text.trim() === 'all') return [...SCENARIOS];
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const n of names)
    if (!(SCENARIOS as readonly string[]).includes(n))
      throw new Error(`unknown scenario "${n}" (choose from ${SCENARIOS.join(', ')}, or all)`);
  return SCENARIOS.filter((s) => names.includes(s));
}

/** Options of {@link planFaults}. */
export interface PlanOptions {
  /** How long the producer runs (ms). */
  readonly productionMs: number;
  /** Worker slots (kills go round-robin over them). */
  readonly workers: number;
  /** Sink / model outage length; default 30 s. */
  readonly outageMs?: number;
}

/**
 * The fault steps of the selected scenarios, sorted by time: four SIGKILLs (at 13%, 40%,
 * 66%, 90% of production), a SplitShard at 23% and a MergeShards at 53%, the sink down from
 * 27% and the model endpoint down from 60% (each `outageMs`, clipped to production).
 */
export function planFaults(selected: readonly Scenario[], options: PlanOptions): FaultStep[] {
  const { productionMs: p, workers, outageMs = 30_000 } = options;
  const at = (fraction: number) => Math.round(p * fraction);
  const steps: FaultStep[] = [];
  if (selected.includes('kill'))
    [0.13, 0.4, 0.66, 0.9].forEach((f, i) =>
      steps.push({ kind: 'kill', at: at(f), slot: i % workers }),
    );
  if (selected.includes('reshard')) {
    steps.push({ kind: 'split', at: at(0.23) });
    steps.push({ kind: 'merge', at: at(0.53) });
  }
  const outage = (from: number) => Math.max(1_000, Math.min(outageMs, p - at(from)));
  if (selected.includes('sink'))
    steps.push({ kind: 'sink-down', at: at(0.27), durationMs: outage(0.27) });
  if (selected.includes('model'))
    steps.push({ kind: 'model-down', at: at(0.6), durationMs: outage(0.6) });
  return steps.sort((a, b) => a.at - b.at);
}
