/**
 * @module cli/error-line
 * The one way the `shardflow` CLI turns a thrown value into text for a person: one line,
 * no class names (`RangeError:`, `ResourceNotFoundException:`), no stack, the network cause
 * spelled out (`connection refused (127.0.0.1:4567)`) even when Node wraps it in an
 * `AggregateError` with an empty message, and the `cause` chain appended where it adds
 * something. Pure; `runCli` and the commands' summaries use it.
 */

/** Longest line printed; the rest is cut with `…`. */
export const MAX_ERROR_LINE = 300;

const NETWORK: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection closed',
};

const CLASS_PREFIX = /\b(?:[A-Z][A-Za-z0-9]*)?(?:Error|Exception): /g;

interface ErrorLike {
  readonly message?: unknown;
  readonly code?: unknown;
  readonly address?: unknown;
  readonly port?: unknown;
  readonly errors?: unknown;
  readonly cause?: unknown;
}

function own(error: unknown): string {
  if (error === null || error === undefined) return '';
  if (typeof error !== 'object') return String(error);
  const e = error as ErrorLike;
  const network = typeof e.code === 'string' ? NETWORK[e.code] : undefined;
  if (network) {
    const port = typeof e.port === 'number' ? `:${e.port}` : '';
    return typeof e.address === 'string' ? `${network} (${e.address}${port})` : network;
  }
  const message = typeof e.message === 'string' ? e.message : '';
  const first = message.split('\n').find((l) => l.trim()) ?? '';
  const text = first.replace(CLASS_PREFIX, '').replace(/\s+/g, ' ').trim();
  if (text) return text;
  if (Array.isArray(e.errors)) {
    const inner = e.errors.map(own).filter(Boolean);
    if (inner.length > 0) return [...new Set(inner)].join(', ');
  }
  return typeof e.code === 'string' ? e.code : '';
}

/** One line describing `error` for a person: its message, then the causes that add to it. */
export function errorLine(error: unknown): string {
  const parts = [own(error) || 'unknown error'];
  let cause = (error as ErrorLike | null | undefined)?.cause;
  for (let depth = 0; depth < 4 && cause !== undefined && cause !== null; depth += 1) {
    const text = own(cause);
    if (text && !parts.some((p) => p.includes(text))) parts.push(text);
    cause = typeof cause === 'object' ? (cause as ErrorLike).cause : undefined;
  }
  const line = parts.join(': ');
  return line.length > MAX_ERROR_LINE ? `${line.slice(0, MAX_ERROR_LINE - 1)}…` : line;
}
