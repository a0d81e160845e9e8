// @ts-check
/**
 * ESLint rule `shardflow/no-import-cycle`: fails a file that is part of an import cycle among
 * the project's TypeScript sources (tests excluded; `import type` and `export … from` count,
 * a dynamic `import()` does not — it is the way to defer a dependency on purpose). The whole
 * project's graph is built once per lint run (re-read when a file changed) with TypeScript's
 * own import scanner, and its strongly connected components found with Tarjan's algorithm,
 * so a cycle of any length is reported on every file in it, naming the others.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const SKIP = new Set(['node_modules', 'dist', 'coverage', 'cdk.out', '.git', '.local-cloud']);
const SOURCE = /\.(ts|mts)$/;
const NOT_SOURCE = /\.(test|int\.test|d)\.ts$/;

/** Every source file under `root`. */
function sourceFiles(root) {
  const out = [];
  (function walk(dir) {
    for (const name of readdirSync(dir)) {
      if (SKIP.has(name) || name.startsWith('.')) continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (SOURCE.test(name) && !NOT_SOURCE.test(name)) out.push(path);
    }
  })(root);
  return out;
}

/** The relative static imports of one file, resolved to project files. */
function importsOf(file, files) {
  const text = readFileSync(file, 'utf8');
  const out = [];
  for (const { fileName, pos } of ts.preProcessFile(text, true, false).importedFiles) {
    if (!fileName.startsWith('.')) continue;
    if (/import\s*\(\s*$/.test(text.slice(Math.max(0, pos - 12), pos))) continue;
    let target = resolve(dirname(file), fileName).replace(/\.js$/, '.ts');
    if (!files.has(target) && files.has(join(target, 'index.ts')))
      target = join(target, 'index.ts');
    if (files.has(target)) out.push(target);
  }
  return out;
}

/**
 * The import cycles among the sources under `root`: each a sorted list of files (relative to
 * `root`) that import each other, directly or through one another.
 * @param {string} root
 * @returns {string[][]}
 */
export function findCycles(root) {
  root = resolve(root);
  const list = sourceFiles(root);
  const files = new Set(list);
  const edges = new Map(list.map((f) => [f, importsOf(f, files)]));
  let next = 0;
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const cycles = [];
  const visit = (v) => {
    index.set(v, next);
    low.set(v, next);
    next += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
    }
    if (low.get(v) !== index.get(v)) return;
    const component = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      component.push(relative(root, w));
    } while (w !== v);
    if (component.length > 1) cycles.push(component.sort());
  };
  for (const f of list) if (!index.has(f)) visit(f);
  return cycles;
}

/** One graph per root, rebuilt when it is older than a second (editors lint file by file). */
const cache = new Map();
function cyclesByFile(root) {
  const hit = cache.get(root);
  if (hit && Date.now() - hit.at < 1_000) return hit.byFile;
  const byFile = new Map();
  for (const cycle of findCycles(root)) for (const f of cycle) byFile.set(f, cycle);
  cache.set(root, { at: Date.now(), byFile });
  return byFile;
}

/** @type {import('eslint').Rule.RuleModule} */
export const noImportCycle = {
  meta: {
    type: 'problem',
    docs: { description: 'Forbid import cycles among the project sources' },
    schema: [],
    messages: { cycle: 'Import cycle: {{files}}. Move the shared part into a module both import.' },
  },
  create(context) {
    return {
      Program(node) {
        const root = context.cwd;
        const file = relative(root, context.filename);
        const cycle = cyclesByFile(root).get(file);
        if (cycle) context.report({ node, messageId: 'cycle', data: { files: cycle.join(' → ') } });
      },
    };
  },
};

/** The local plugin: `plugins: { shardflow }`. */
export default { rules: { 'no-import-cycle': noImportCycle } };
