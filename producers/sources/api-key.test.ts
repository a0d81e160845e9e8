import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../core/index.js';
import { apiKeyMatcher, loadApiKey } from './api-key.js';

describe('loadApiKey: from the environment or a file, never argv', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sf-key-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text, { mode: 0o600 });
    return path;
  };

  it('reads SHARDFLOW_API_KEY', () => {
    expect(loadApiKey({ env: { SHARDFLOW_API_KEY: 'from-the-env-0001' } })).toBe(
      'from-the-env-0001',
    );
  });

  it('reads a key file (trailing newline dropped), named by the option or SHARDFLOW_API_KEY_FILE, before the variable', () => {
    const path = file('key', 'from-a-file-0001\n');
    expect(loadApiKey({ file: path })).toBe('from-a-file-0001');
    expect(
      loadApiKey({ env: { SHARDFLOW_API_KEY_FILE: path, SHARDFLOW_API_KEY: 'from-the-env-0001' } }),
    ).toBe('from-a-file-0001');
  });

  it.each([
    ['no key at all', {}, /none given: set SHARDFLOW_API_KEY or SHARDFLOW_API_KEY_FILE/],
    ['a short key', { env: { SHARDFLOW_API_KEY: 'short' } }, /at least 8 characters/],
    ['a missing key file', { file: '/nonexistent/shardflow.key' }, /cannot read the key file/],
  ])('refuses %s with one line', (_what, sources, message) => {
    expect(() => loadApiKey(sources)).toThrow(ConfigError);
    expect(() => loadApiKey(sources)).toThrow(message);
  });
});

describe('apiKeyMatcher', () => {
  it('matches only the exact key, whatever the length of the presented one', () => {
    const matches = apiKeyMatcher('the-right-key-0001');
    expect(matches('the-right-key-0001')).toBe(true);
    expect(matches('the-right-key-0002')).toBe(false);
    expect(matches('the-right-key-000')).toBe(false);
    expect(matches('the-right-key-00011')).toBe(false);
    expect(matches('')).toBe(false);
    expect(matches(undefined)).toBe(false);
  });
});
