/**
 * The `shardflow` command tree as a user meets it: one spelling of each flag, lower-case
 * descriptions, `--version`, and every error — a usage error, a bad number, an error a
 * command throws — as one line without a class name and exit code 1, through `runCli`.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, type Option } from 'commander';
import { runCli, routeErrors, type CliIo } from './commands/run-cli.js';
import { buildProgram, packageVersion } from './program.js';

function all(command: Command): Command[] {
  return [command, ...command.commands.flatMap(all)];
}

async function run(args: string[], program = buildProgram()) {
  let err = '';
  let out = '';
  let code = 0;
  const io: CliIo = {
    stderr: { write: (t: string) => (err += t) },
    fail: (c) => (code = c),
    debug: false,
  };
  program.configureOutput({ writeOut: (t) => (out += t), writeErr: (t) => (err += t) });
  for (const c of all(program))
    c.configureOutput({ writeOut: (t) => (out += t), writeErr: (t) => (err += t) });
  await runCli(program, ['node', 'shardflow', ...args], io);
  return { err, out, code };
}

describe('the shardflow program', () => {
  it('spells the stream flag --stream in every command', () => {
    const flags = all(buildProgram()).flatMap((c) =>
      (c.options as readonly Option[]).map((o) => o.long ?? ''),
    );
    expect(flags.filter((f) => /stream/.test(f) && f !== '--stream')).toEqual([]);
    const withStream = all(buildProgram())
      .filter((c) => (c.options as readonly Option[]).some((o) => o.long === '--stream'))
      .map((c) => c.name());
    expect(withStream).toEqual(
      expect.arrayContaining(['consume', 'replay', 'devices', 'households', 'http']),
    );
  });

  it('describes every command and option in lower case', () => {
    for (const c of all(buildProgram())) {
      expect(c.description()).toMatch(/^[a-z]/);
      // (constants such as TRIM_HORIZON may lead; a capitalised word may not)
      for (const o of c.options as readonly Option[])
        expect(o.description).not.toMatch(/^[A-Z][a-z]/);
    }
  });

  it('prints the package version for --version and exits 0', async () => {
    const { out, err, code } = await run(['--version']);
    expect(out.trim()).toBe(packageVersion());
    expect(packageVersion()).toMatch(/^\d+\.\d+\.\d+/);
    expect(err).toBe('');
    expect(code).toBe(0);
  });

  it('refuses a bad number before the command runs: one line, exit 1', async () => {
    const { err, code } = await run([
      'train',
      'rcf',
      '--input',
      'x.csv',
      '--column',
      'v',
      '--out',
      'o',
      '--trees',
      '-3',
    ]);
    expect(err).toBe(
      "shardflow: option '--trees <n>' argument '-3' is invalid. must be a positive integer\n",
    );
    expect(code).toBe(1);
  });

  it('prints usage errors as one line', async () => {
    const { err, code } = await run(['replay', '--to', '2026-11-23T10:00:00Z']);
    expect(err).toBe("shardflow: required option '--from <iso>' not specified\n");
    expect(code).toBe(1);
    const unknown = await run(['consume', '--stream-name', 'x']);
    expect(unknown.err).toBe("shardflow: unknown option '--stream-name'\n");
  });

  it('prints what a command throws as one line without its class name', async () => {
    const program = routeErrors(new Command('shardflow'));
    program.command('boom').action(() => {
      throw new RangeError('numberOfTrees must be ≥ 1');
    });
    const { err, code } = await run(['boom'], program);
    expect(err).toBe('shardflow: numberOfTrees must be ≥ 1\n');
    expect(code).toBe(1);
  });

  describe('train with bad input (npm run train)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sf-train-bad-'));
    const csv = join(dir, 'series.csv');
    writeFileSync(csv, 'time,value\n1,1.5\n2,2.5\n3,3.5\n');
    const out = ['--out', join(dir, 'out')];

    it('a missing file is one line', async () => {
      const missing = join(dir, 'nope.csv');
      const r = await run(['train', 'rcf', '--input', missing, '--column', 'value', ...out]);
      expect(r.err).toBe(`shardflow: --input: no such file: ${missing}\n`);
      expect(r.code).toBe(1);
    });

    it('an unknown column is one line naming the columns there are', async () => {
      const r = await run(['train', 'forecaster', '--input', csv, '--column', 'co2', ...out]);
      expect(r.err).toBe(
        'shardflow: invalid configuration: column: no column co2 in time, value\n',
      );
      expect(r.code).toBe(1);
    });

    it('an unknown column of JSON lines is one line too', async () => {
      const json = join(dir, 'series.jsonl');
      writeFileSync(json, '{"ts":1,"readings":{"co2":1}}\n{"ts":2,"readings":{"co2":2}}\n');
      const r = await run(['train', 'rcf', '--input', json, '--column', 'pm25', ...out]);
      expect(r.err).toMatch(/^shardflow: --column: no numeric values of pm25 in .*\n$/);
      expect(r.code).toBe(1);
    });
  });
});
