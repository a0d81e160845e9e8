/**
 * @module bench/rcf-before
 * The Random Cut Forest as it was at an earlier commit (by default {@link BEFORE}, before
 * the memory work of #16): its `models/rcf` sources and `core/random.ts` read with
 * `git show` into a temporary folder and imported from there (the rest of `core` is
 * today's), so benches and fixture scripts can run it side by side with today's forest.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** The commit holding the forest as it was before the memory work. */
export const BEFORE = '1dfe824';

/** The modules of the forest at a commit, and `dispose()` to delete the temporary copy. */
export interface BeforeForest {
  readonly forest: Record<string, unknown>;
  readonly codec: Record<string, unknown>;
  dispose(): void;
}

/** Loads the forest of `commit`; undefined when git or the commit is not available. */
export async function loadBefore(commit = BEFORE): Promise<BeforeForest | undefined> {
  const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  let dir: string | undefined;
  try {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rcf-before-'));
    mkdirSync(path.join(dir, 'rcf'));
    writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}');
    // core as today, but the generator as it was (its objects are part of a forest's heap)
    const core = pathToFileURL(path.join(root, 'core/index.ts')).href;
    writeFileSync(path.join(dir, 'random.ts'), git('show', `${commit}:core/random.ts`));
    const names = [
      ...git('show', `${commit}:core/random.ts`).matchAll(
        /^export (?:const|function|class) (\w+)/gm,
      ),
    ]
      .map((m) => m[1])
      .join(', ');
    writeFileSync(
      path.join(dir, 'core.ts'),
      `export * from '${core}';\nexport { ${names} } from './random.ts';\nexport type { Prng, PrngFactory } from './random.ts';\n`,
    );
    const files = git('ls-tree', '--name-only', `${commit}`, 'models/rcf/')
      .split('\n')
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    for (const f of files) {
      const src = git('show', `${commit}:${f}`).replaceAll('../../core/index.js', '../core.ts');
      writeFileSync(path.join(dir, 'rcf', path.basename(f)), src);
    }
    const load = async (f: string) =>
      (await import(pathToFileURL(path.join(dir ?? '', 'rcf', `${f}.ts`)).href)) as Record<
        string,
        unknown
      >;
    const tmp = dir;
    return {
      forest: await load('forest'),
      codec: await load('codec'),
      dispose: () => rmSync(tmp, { recursive: true, force: true }),
    };
  } catch {
    if (dir) rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
}
