/**
 * @module chaos/main
 * `npm run chaos [-- --scenario kill,reshard,sink,model,throttle,malformed]`: runs the chaos
 * suite (chaos/README.md), prints its table, writes `report.json` next to the workers' logs,
 * and exits 1 on any lost or unprocessed record (2 if the run itself broke). Bounded: the
 * run stops itself after `--max-seconds` (default 570).
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { failures, formatReport } from './report.js';
import { runChaos } from './run.js';
import { parseScenarios, SCENARIOS } from './scenarios.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const { values } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'all' },
    devices: { type: 'string', default: '80' },
    households: { type: 'string', default: '20' },
    minutes: { type: 'string', default: '100' },
    'minute-ms': { type: 'string', default: '1200' },
    workers: { type: 'string', default: '3' },
    shards: { type: 'string', default: '4' },
    seed: { type: 'string', default: '1' },
    'settle-seconds': { type: 'string', default: '280' },
    'max-seconds': { type: 'string', default: '570' },
    'checkpoint-interval-ms': { type: 'string', default: '5000' },
    out: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  process.stdout.write(
    `usage: npm run chaos -- [--scenario ${SCENARIOS.join(',')}|all] [--devices 80] [--households 20]\n` +
      '  [--minutes 100] [--minute-ms 1200] [--workers 3] [--shards 4] [--seed 1]\n' +
      '  [--settle-seconds 280] [--max-seconds 570] [--checkpoint-interval-ms 5000] [--out DIR]\n',
  );
  process.exit(0);
}

const int = (name: keyof typeof values, min: number): number => {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < min) {
    process.stderr.write(`--${name} must be an integer ≥ ${min}, got ${String(values[name])}\n`);
    process.exit(2);
  }
  return n;
};

const say = (line: string) => process.stdout.write(`[chaos] ${line}\n`);
let scenarios: ReturnType<typeof parseScenarios>;
try {
  scenarios = parseScenarios(values.scenario ?? 'all');
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
}
const maxMs = int('max-seconds', 60) * 1000;
const outDir = values.out ?? join(tmpdir(), `shardflow-chaos-${Date.now()}`);
// the bound holds even if a step hangs: the guards stop the workers and emulators with us
setTimeout(() => {
  say('hard time bound reached: exiting');
  process.exit(2);
}, maxMs + 30_000).unref();

try {
  const report = await runChaos({
    scenarios,
    devices: int('devices', 0),
    households: int('households', 0),
    minutes: int('minutes', 3),
    minuteMs: int('minute-ms', 100),
    workers: int('workers', 1),
    shards: int('shards', 2),
    seed: int('seed', 0),
    settleMs: int('settle-seconds', 0) * 1000,
    maxMs,
    checkpointIntervalMs: int('checkpoint-interval-ms', 1),
    outDir,
    say,
  });
  writeFileSync(join(outDir, 'report.json'), JSON.stringify(report, null, 2));
  process.stdout.write(`\n${formatReport(report)}\n`);
  say(`report: ${join(outDir, 'report.json')}`);
  process.exit(failures(report).length === 0 ? 0 : 1);
} catch (error) {
  say(`run failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(2);
}
