import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import plugin, { findCycles } from '../eslint-rules/no-import-cycle.js';

/** A throw-away project with the given files. */
function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'cycles-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('the no-import-cycle lint rule', () => {
  const roots: string[] = [];
  afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

  it('finds a cycle through a folder index, type-only imports included', () => {
    const root = project({
      'a/index.ts': "export { a } from './a.js';\n",
      'a/a.ts': "import type { B } from '../b.js';\nexport const a = 1;\n",
      'b.ts': "import { a } from './a/index.js';\nexport type B = typeof a;\n",
      'c.ts': "import { a } from './a/index.js';\nexport const c = a;\n",
    });
    roots.push(root);
    expect(findCycles(root)).toEqual([['a/a.ts', 'a/index.ts', 'b.ts']]);
  });

  it('ignores tests and dynamic imports', () => {
    const root = project({
      'x.ts': "export const x = async () => (await import('./y.js')).y;\n",
      'y.ts': "import { x } from './x.js';\nexport const y = x;\n",
      'x.test.ts': "import { y } from './y.js';\nimport { x } from './x.js';\n",
    });
    roots.push(root);
    expect(findCycles(root)).toEqual([]);
  });

  it('fails lint on every file of the cycle', async () => {
    const root = project({
      'p.ts': "import { q } from './q.js';\nexport const p = () => q;\n",
      'q.ts': "import { p } from './p.js';\nexport const q = () => p;\n",
      'r.ts': "import { p } from './p.js';\nexport const r = p;\n",
    });
    roots.push(root);
    const eslint = new ESLint({
      cwd: root,
      overrideConfigFile: true,
      overrideConfig: [
        {
          files: ['**/*.ts'],
          languageOptions: { parser: tseslint.parser },
          plugins: { shardflow: plugin },
          rules: { 'shardflow/no-import-cycle': 'error' },
        },
      ],
    });
    const results = await eslint.lintFiles(['p.ts', 'q.ts', 'r.ts']);
    const errors = Object.fromEntries(
      results.map((r) => [r.filePath.slice(root.length + 1), r.messages.map((m) => m.message)]),
    );
    expect(errors['p.ts']).toEqual([expect.stringMatching(/Import cycle: p\.ts → q\.ts/)]);
    expect(errors['q.ts']).toHaveLength(1);
    expect(errors['r.ts']).toEqual([]);
  });
});
