/**
 * @module bench/rcf-before
 * The Random Cut Forest as it was before the memory work of #16 (commit {@link BEFORE}),
 * read with `git show` into a temporary folder and imported from there, so benches and
 * fixture scripts can run it side by side with today's forest.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** The commit holding the forest as it was before the memory work. */
export const BEFORE = '1dfe824';

/** The modules of the forest before #16, and `dispose()` to delete the temporary copy. */
export interface BeforeForest {
  readonly forest: Record<string, unknown>;
  readonly codec: Record<string, unknown>;
  dispose(): void;
}

/** Loads the forest of {@link BEFORE}; undefined when git or the commit is not available. */
export async function loadBefore(): Promise<BeforeForest | undefined> {
  const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
  let dir: string | undefined;
  try {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rcf-before-'));
    mkdirSync(path.join(dir, 'rcf'));
    writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}');
    const core = pathToFileURL(path.join(root, 'core/index.ts')).href;
    for (const f of ['forest', 'tree', 'point-store', 'sampler', 'codec']) {
      const src = execFileSync('git', ['show', `${BEFORE}:models/rcf/${f}.ts`], {
        cwd: root,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      writeFileSync(path.join(dir, 'rcf', `${f}.ts`), src.replaceAll('../../core/index.js', core));
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
