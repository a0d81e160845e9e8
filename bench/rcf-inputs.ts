/**
 * @module bench/rcf-inputs
 * Inputs of the forest benches: the devices pipeline's shape — 6 scaled measures, the last
 * 4 windows concatenated (24 values), as the pipelines shingle outside the forest.
 */
import { seedState, sfc32 } from '../core/index.js';

/** `n` devices-like 24-d points (fixed seed): random walks, slow cycles, rare spikes. */
export function devicesInput(n: number): Float64Array[] {
  const g = sfc32(seedState(2));
  const walk = [0, 0, 0, 0, 0, 0];
  const windows = Array.from({ length: n + 3 }, (_, i) => {
    for (let m = 0; m < 6; m += 1) walk[m] = 0.98 * (walk[m] ?? 0) + (g.next() - 0.5);
    return walk.map((v, m) => v + Math.sin(i / (30 + m)) + (g.next() < 0.003 ? 6 : 0));
  });
  return Array.from({ length: n }, (_, i) => Float64Array.from(windows.slice(i, i + 4).flat()));
}
