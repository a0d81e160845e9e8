/**
 * @module bench/cpu-profile
 * Optional CPU profile of one measured region of a benchmark: with `BENCH_CPU_PROFILE=<dir>`
 * set, {@link profiled} records a V8 CPU profile (as `node --cpu-prof` writes) of just that
 * region to `<dir>/<name>.cpuprofile`, so start-up and emulator set-up do not drown the
 * per-record work. `tsx bench/profile-summary.ts <file>` prints self time by function.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';

/** Runs `body`, profiling it when `BENCH_CPU_PROFILE` names a folder. */
export async function profiled<T>(name: string, body: () => Promise<T>): Promise<T> {
  const dir = process.env.BENCH_CPU_PROFILE;
  if (!dir) return body();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  try {
    return await body();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    await mkdir(dir, { recursive: true });
    const file = join(dir, `${name.replace(/[^\w.-]+/g, '_')}.cpuprofile`);
    await writeFile(file, JSON.stringify(profile));
    console.log(`  cpu profile: ${file}`);
  }
}
