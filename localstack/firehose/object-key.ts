/**
 * @module localstack/firehose/object-key
 * Where Firehose puts an object in S3, as documented for Amazon S3 destinations:
 * without expressions the key is `prefix + YYYY/MM/DD/HH/` (UTC) followed by
 * `<stream>-<version>-YYYY-MM-DD-HH-MM-SS-<uuid>` (plus `.gz` when GZIP-compressed); a
 * prefix holding `!{namespace:value}` expressions is evaluated instead and nothing is
 * appended to it. Pure: the time and the random parts are parameters.
 */

/** Which expressions a prefix may hold (`!{firehose:error-output-type}` only in error prefixes). */
export type PrefixKind = 'prefix' | 'errorOutputPrefix';

/** Inputs to evaluate a prefix. */
export interface PrefixContext {
  /** Epoch milliseconds of the oldest record in the object (approximate arrival). */
  readonly timestamp: number;
  /** 11 random characters for `!{firehose:random-string}`. */
  readonly randomString: string;
  /** Value of `!{firehose:error-output-type}`, e.g. `processing-failed`. */
  readonly errorOutputType?: string;
}

const EXPRESSION = /!\{([^}:]*):([^}]*)\}/g;
const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** True if `prefix` holds at least one `!{…}` expression. */
export function hasExpressions(prefix: string): boolean {
  return /!\{/.test(prefix);
}

/**
 * Checks a prefix as CreateDeliveryStream does; returns the problem or undefined.
 * Namespaces are `timestamp` and `firehose`; `partitionKeyFromQuery`/`Lambda` need dynamic
 * partitioning, which this emulator does not offer.
 */
export function prefixProblem(prefix: string, kind: PrefixKind): string | undefined {
  const stripped = prefix.replace(EXPRESSION, '');
  if (stripped.includes('!{')) return `malformed expression in ${kind} '${prefix}'`;
  for (const [, namespace, value] of prefix.matchAll(EXPRESSION)) {
    if (namespace === 'timestamp') {
      if (!value) return `empty timestamp format in ${kind}`;
      const letters = value.replace(/'[^']*'/g, '').match(/[A-Za-z]/g) ?? [];
      const unknown = letters.find((c) => !'yMdHhmsSaEu'.includes(c));
      if (unknown) return `unsupported timestamp pattern letter '${unknown}' in ${kind}`;
    } else if (namespace === 'firehose') {
      if (value === 'error-output-type') {
        if (kind === 'prefix')
          return 'The expression !{firehose:error-output-type} is only allowed in ErrorOutputPrefix';
      } else if (value !== 'random-string') {
        return `unknown firehose expression '${value}' in ${kind}`;
      }
    } else {
      return `unsupported expression namespace '${namespace}' in ${kind}`;
    }
  }
  return undefined;
}

/**
 * Formats epoch milliseconds (UTC) with a Java `DateTimeFormatter` pattern subset:
 * `yyyy yy MM M dd d HH H hh h mm ss SSS a`, quoted literals in `'…'`.
 */
export function formatTimestamp(epochMs: number, pattern: string): string {
  const d = new Date(epochMs);
  const values: Record<string, string> = {
    yyyy: String(d.getUTCFullYear()),
    yy: pad(d.getUTCFullYear() % 100),
    MM: pad(d.getUTCMonth() + 1),
    M: String(d.getUTCMonth() + 1),
    dd: pad(d.getUTCDate()),
    d: String(d.getUTCDate()),
    HH: pad(d.getUTCHours()),
    H: String(d.getUTCHours()),
    hh: pad(d.getUTCHours() % 12 || 12),
    h: String(d.getUTCHours() % 12 || 12),
    mm: pad(d.getUTCMinutes()),
    ss: pad(d.getUTCSeconds()),
    SSS: pad(d.getUTCMilliseconds(), 3),
    a: d.getUTCHours() < 12 ? 'AM' : 'PM',
  };
  return pattern.replace(/'([^']*)'|yyyy|yy|MM|M|dd|d|HH|H|hh|h|mm|ss|SSS|a/g, (token, quoted) =>
    quoted !== undefined ? (quoted as string) : (values[token] ?? token),
  );
}

/** Evaluates a prefix: expressions replaced, or the default `YYYY/MM/DD/HH/` appended. */
export function evaluatePrefix(prefix: string, context: PrefixContext): string {
  if (!hasExpressions(prefix))
    return `${prefix}${formatTimestamp(context.timestamp, 'yyyy/MM/dd/HH/')}`;
  return prefix.replace(EXPRESSION, (_all, namespace: string, value: string) => {
    if (namespace === 'timestamp') return formatTimestamp(context.timestamp, value);
    if (value === 'random-string') return context.randomString;
    return context.errorOutputType ?? '';
  });
}

/** The object name `<stream>-<version>-YYYY-MM-DD-HH-MM-SS-<uuid>[.gz]`. */
export function objectName(
  streamName: string,
  version: number,
  epochMs: number,
  uuid: string,
  gzip: boolean,
): string {
  const stamp = formatTimestamp(epochMs, 'yyyy-MM-dd-HH-mm-ss');
  return `${streamName}-${version}-${stamp}-${uuid}${gzip ? '.gz' : ''}`;
}

/** The full S3 key of one delivered object. */
export function objectKey(options: {
  readonly prefix: string;
  readonly streamName: string;
  readonly version: number;
  readonly uuid: string;
  readonly gzip: boolean;
  readonly context: PrefixContext;
}): string {
  const { prefix, streamName, version, uuid, gzip, context } = options;
  return `${evaluatePrefix(prefix, context)}${objectName(streamName, version, context.timestamp, uuid, gzip)}`;
}
