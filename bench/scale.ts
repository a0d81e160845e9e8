/**
 * @module bench/scale
 * `npm run bench:scale`: one worker process running the devices pipeline at fleet scale
 * (issue 16). Each fleet size runs in a fresh process (`bench/scale/fleet.ts`): simulated
 * devices, one reading per device-minute, on a simulated clock, fed to one shard session of
 * `runPipeline` — directly, not through the local cloud, so the CPU measured is the
 * pipeline's own (the consumer's per-record cost is `bench:consumer`'s).
 *
 * Reports per fleet: heap and RSS per device, CPU per reading (steady minutes), the keyed-
 * state snapshots (a full object's gzip bytes per device, the barrier's pause, a typical
 * 5-s delta and the once-a-minute delta in which every key's window closed, the per-key
 * texts incremental snapshots keep), then how each grows with the
 * fleet (slope between the two largest fleets) and the largest fleet one worker holds in
 * 2 GiB of RSS: (2 GiB − the fixed part) ÷ (the RSS slope × the growth of a device's memory
 * from the run's minutes to a steady state, measured on a small fleet over hours).
 *
 * Flags: `--devices 1000,10000` `--minutes 30` `--steady-devices 200` `--steady-minutes 240`
 * (0 skips the steady-state row). About 4–5 minutes with the defaults on 2 cores.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { FIGURES, machine, table } from './report.js';
import type { FleetResult } from './scale/fleet.js';

const flag = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const fleets = flag('devices', '1000,10000').split(',').map(Number);
const minutes = Number(flag('minutes', '30'));
const steadyDevices = Number(flag('steady-devices', '200'));
const steadyMinutes = Number(flag('steady-minutes', '240'));
const GIB = 2 ** 30;
const fleetScript = fileURLToPath(new URL('./scale/fleet.ts', import.meta.url));

/** Runs one fleet in a fresh process (heap large enough for 10,000 devices). */
function run(devices: number, mins: number): FleetResult {
  const out = spawnSync(
    process.execPath,
    ['--max-old-space-size=12288', '--import', 'tsx', fleetScript, String(devices), String(mins)],
    { encoding: 'utf8', maxBuffer: 1 << 20, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const line = out.stdout.trim().split('\n').at(-1) ?? '';
  if (out.status !== 0 || !line.startsWith('{'))
    throw new Error(`fleet ${devices} × ${mins} min failed (exit ${out.status})`);
  return JSON.parse(line) as FleetResult;
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
const per = (r: FleetResult) => ({
  heap: (r.heapAfter - r.heapBefore) / r.devices,
  rss: (r.rssAfter - r.rssBefore) / r.devices,
  external: r.arrayBuffersAfter / r.devices,
  cpuUs: (r.steadyCpuMs / r.steadyReadings) * 1000,
  snapshot: r.snapshotBytes / r.devices,
});

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
console.log(`bench:scale — ${machine()}, ${(os.totalmem() / GIB).toFixed(0)} GiB`);
console.log(
  `devices pipeline, one shard session, one reading per device-minute, ${minutes} simulated minutes per fleet\n`,
);
const results: FleetResult[] = [];
for (const n of fleets) {
  results.push(run(n, minutes));
  console.error(`  fleet ${n}: done`);
}
const ALL_FIGURES = { right: () => true };
table(
  [
    'devices',
    'readings',
    'heap / device',
    'RSS / device',
    'typed arrays / device',
    'CPU / reading (steady)',
    'wall',
  ],
  results.map((r) => {
    const p = per(r);
    return [
      r.devices.toLocaleString('en'),
      r.readings.toLocaleString('en'),
      kib(p.heap),
      kib(p.rss),
      kib(p.external),
      `${p.cpuUs.toFixed(0)} µs`,
      `${(r.wallMs / 1000).toFixed(0)} s`,
    ];
  }),
  ALL_FIGURES,
);
console.log(
  '\nKeyed-state snapshots (incremental: a barrier takes the changed keys; they are encoded after it, between batches)\n',
);
const ms = (x: number) => `${x.toFixed(x < 10 ? 1 : 0)} ms`;
table(
  [
    'devices',
    'full object (gzip)',
    'per device',
    'barrier pause',
    'typical 5-s delta: values, gzip, encode',
    'minute delta (every window closed): values, gzip, encode',
    'per-key texts (heap) / device',
  ],
  results.map((r) => [
    r.devices.toLocaleString('en'),
    kib(r.snapshotBytes),
    `${(r.snapshotBytes / r.devices).toFixed(0)} B`,
    ms(Math.max(r.snapshotPauseMs, r.deltaPauseMs, r.wide.pauseMs)),
    `${r.deltaValues}, ${kib(r.deltaBytes)}, ${ms(r.deltaEncodeMs)}`,
    `${r.wide.values}, ${kib(r.wide.bytes)}, ${ms(r.wide.encodeMs)}`,
    `${(r.textsHeap / r.devices / 1024).toFixed(1)} KiB`,
  ]),
  ALL_FIGURES,
);

let steadyFactor = 1;
if (steadyMinutes > 0) {
  const short = run(steadyDevices, minutes);
  const long = run(steadyDevices, steadyMinutes);
  const s = per(short);
  const l = per(long);
  steadyFactor = Math.max(1, l.rss / s.rss);
  console.log(
    `\nA device's memory with time (${steadyDevices} devices): after ${minutes} and ${steadyMinutes} simulated minutes\n`,
  );
  table(
    [
      'minutes',
      'heap / device',
      'RSS / device',
      'typed arrays / device',
      'CPU / reading',
      'snapshot / device',
    ],
    (
      [
        [minutes, s],
        [steadyMinutes, l],
      ] as const
    ).map(([m, x]) => [
      String(m),
      kib(x.heap),
      kib(x.rss),
      kib(x.external),
      `${x.cpuUs.toFixed(0)} µs`,
      `${x.snapshot.toFixed(0)} B`,
    ]),
    ALL_FIGURES,
  );
}

if (results.length >= 2) {
  const [a, b] = results.slice(-2) as [FleetResult, FleetResult];
  const dn = b.devices - a.devices;
  const slope = (f: (r: FleetResult) => number) => (f(b) - f(a)) / dn;
  // the per-key texts of incremental snapshots are heap the worker holds too
  const rssSlope = slope((r) => r.rssAfter + r.textsHeap);
  const fixed = b.rssAfter + b.textsHeap - rssSlope * b.devices;
  const steadySlope = rssSlope * steadyFactor;
  const fleet2g = Math.floor((2 * GIB - fixed) / steadySlope);
  const cpuA = per(a).cpuUs;
  const cpuB = per(b).cpuUs;
  console.log(
    `\nGrowth with devices (slope between ${a.devices.toLocaleString('en')} and ${b.devices.toLocaleString('en')} devices)\n`,
  );
  table(
    ['cost', 'per added device', 'ratio per-device cost (large ÷ small fleet)'],
    [
      ['heap', kib(slope((r) => r.heapAfter)), (per(b).heap / per(a).heap).toFixed(2)],
      ['RSS + snapshot texts', kib(rssSlope), (per(b).rss / per(a).rss).toFixed(2)],
      [
        'snapshot (gzip)',
        `${slope((r) => r.snapshotBytes).toFixed(0)} B`,
        (per(b).snapshot / per(a).snapshot).toFixed(2),
      ],
      [
        'snapshot encode, every key changed (CPU after the barrier)',
        `${(slope((r) => r.wide.encodeMs) * 1000).toFixed(0)} ms per 1,000 devices`,
        (b.wide.encodeMs / b.devices / (a.wide.encodeMs / a.devices)).toFixed(2),
      ],
      [
        'per-key texts (heap)',
        kib(slope((r) => r.textsHeap)),
        (b.textsHeap / b.devices / (a.textsHeap / a.devices)).toFixed(2),
      ],
      ['CPU per reading', '—', (cpuB / cpuA).toFixed(2)],
    ],
    FIGURES,
  );
  console.log(
    `\nLargest fleet in 2 GiB RSS: (2 GiB − ${(fixed / 2 ** 20).toFixed(0)} MiB fixed) ÷ (${kib(rssSlope)} per device incl. snapshot texts × ${steadyFactor.toFixed(2)} growth to ${steadyMinutes} minutes) ≈ **${fleet2g.toLocaleString('en')} devices**`,
  );
  console.log(
    `CPU: one reading per device-minute at ${cpuB.toFixed(0)} µs is ${((b.devices / 60) * cpuB * 1e-6 * 100).toFixed(1)} % of a core at ${b.devices.toLocaleString('en')} devices; one core keeps up with ≈ ${Math.floor(60 / (cpuB * 1e-6)).toLocaleString('en')} devices`,
  );
}
