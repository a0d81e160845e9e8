/**
 * Every relative link in the repository's Markdown files points inside the repository, at a
 * file or folder that exists — a clone has nothing outside it (`../shared/…` links broke
 * that once). External `http(s):` links and in-page anchors are not checked.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const root = process.cwd();
const SKIP = new Set(['node_modules', 'dist', 'cdk.out', '.git', 'coverage']);

function markdownFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (SKIP.has(name) || name.startsWith('.')) return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return markdownFiles(path);
    return name.endsWith('.md') ? [path] : [];
  });
}

/** The link targets of a Markdown text (inline links and images), without code spans. */
function linkTargets(text: string): string[] {
  const prose = text.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]!);
}

describe('documentation links', () => {
  it('finds the links it checks', () => {
    expect(linkTargets('see [a](docs/A.md#x) and `[b](../no)` and [c](https://x.org)')).toEqual([
      'docs/A.md#x',
      'https://x.org',
    ]);
  });

  it('link only inside the repository, to things that exist', () => {
    const bad: string[] = [];
    for (const file of markdownFiles(root)) {
      for (const target of linkTargets(readFileSync(file, 'utf8'))) {
        if (/^[a-z]+:/i.test(target) || target.startsWith('#')) continue;
        const path = resolve(dirname(file), decodeURI(target.split('#')[0]!));
        const inside = path === root || path.startsWith(root + sep);
        if (!inside || !existsSync(path)) bad.push(`${relative(root, file)} → ${target}`);
      }
    }
    expect(bad).toEqual([]);
  });
});
