/**
 * @module producers/sources/api-key
 * The HTTP ingest's API key: read from the environment or a file — never from the command
 * line, where every user of the machine sees it in `ps` — and compared in constant time.
 * Invariant: the comparison takes the same time whatever the given key (its length
 * included), because both sides are hashed to 32 bytes before `timingSafeEqual`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError } from '../../core/index.js';

/** Shortest API key accepted. */
export const MIN_API_KEY_LENGTH = 8;

/** Where {@link loadApiKey} looks, in order. */
export interface ApiKeySources {
  /** A file holding the key (e.g. a mounted secret); wins over the environment. */
  readonly file?: string;
  /** The environment: `SHARDFLOW_API_KEY_FILE`, else `SHARDFLOW_API_KEY`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The API key from `file`, else the file named by `SHARDFLOW_API_KEY_FILE`, else
 * `SHARDFLOW_API_KEY` (surrounding whitespace, such as a file's final newline, is dropped).
 * Throws a {@link ConfigError} when there is none or it is shorter than
 * {@link MIN_API_KEY_LENGTH}.
 *
 * @example `const apiKey = loadApiKey({ file: opts.apiKeyFile, env: process.env })`
 */
export function loadApiKey(sources: ApiKeySources): string {
  const env = sources.env ?? {};
  const file = sources.file ?? env.SHARDFLOW_API_KEY_FILE;
  let key: string | undefined;
  if (file !== undefined && file !== '') {
    try {
      key = readFileSync(file, 'utf8').trim();
    } catch (error) {
      throw new ConfigError(
        'apiKey',
        `cannot read the key file ${file}: ${(error as Error).message}`,
      );
    }
  } else {
    key = env.SHARDFLOW_API_KEY?.trim();
  }
  if (key === undefined || key === '') {
    throw new ConfigError(
      'apiKey',
      'none given: set SHARDFLOW_API_KEY or SHARDFLOW_API_KEY_FILE (or --api-key-file), not a command-line value',
    );
  }
  if (key.length < MIN_API_KEY_LENGTH) {
    throw new ConfigError('apiKey', `must have at least ${MIN_API_KEY_LENGTH} characters`);
  }
  return key;
}

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * A constant-time check of a presented key against `expected`: both are hashed (SHA-256)
 * so `timingSafeEqual` always compares 32 bytes and the time reveals neither the content
 * nor the length of the expected key.
 *
 * @example `const matches = apiKeyMatcher(key); if (!matches(req.headers['x-api-key'])) reply(401)`
 */
export function apiKeyMatcher(expected: string): (given: string | undefined) => boolean {
  const want = digest(expected);
  return (given) => {
    const got = digest(given ?? '');
    return timingSafeEqual(got, want) && given !== undefined;
  };
}
