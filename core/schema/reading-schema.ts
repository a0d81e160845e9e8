/**
 * @module core/schema/reading-schema
 * zod schemas of the wire records (ARCHITECTURE.md "Wire records"): `device`, `household`,
 * and the legacy 7-value sensor shape, which is accepted at the edge and normalized to
 * `device`. Invariant: whatever {@link parseReading} accepts is a {@link Reading} whose
 * `ts` is an ISO-8601 instant and whose measures are finite numbers.
 */
import { z } from 'zod';
import { DEVICE_MEASURES, HOUSEHOLD_MEASURES } from './measures.js';
import { fastWireReading, instantMs } from './reading-fast-path.js';
import { SERIES_ID_PATTERN } from './series-id.js';

export { SERIES_ID_PATTERN };

const finite = z.number().refine(Number.isFinite, 'expected a finite number');
const instant = z.iso.datetime({ offset: true });

const id = z
  .string()
  .regex(
    SERIES_ID_PATTERN,
    'expected 1–128 characters of A–Z, a–z, 0–9, ".", "_", ":", "-" (starting with a letter or digit)',
  );

/**
 * Schema of a device reading on the wire.
 * @example `deviceReadingSchema.parse({ kind: 'device', deviceId: 'B84C', ts: '2026-11-23T05:00:00.000Z', readings: {...} })`
 */
export const deviceReadingSchema = z.object({
  kind: z.literal('device'),
  deviceId: id,
  ts: instant,
  readings: z.object({
    iaq: finite,
    temperature: finite,
    humidity: finite,
    voc: finite,
    pressure: finite,
    co2: finite,
  }),
});

/**
 * Schema of a household power reading on the wire.
 * @example `householdReadingSchema.safeParse(json).success`
 */
export const householdReadingSchema = z.object({
  kind: z.literal('household'),
  householdId: id,
  ts: instant,
  readings: z.object({
    globalActivePower: finite,
    globalReactivePower: finite,
    voltage: finite,
    globalIntensity: finite,
    subMetering1: finite,
    subMetering2: finite,
    subMetering3: finite,
  }),
});

/**
 * Schema of the legacy sensor shape; `ts` is an ISO-8601 instant or epoch milliseconds.
 * Use {@link legacyToDevice} (or {@link readingSchema}) to normalize it.
 * @example `legacyReadingSchema.parse({ devid: 'B84C', ts: 1795410000000, readings: [45, 21, 40, 0.5, 1013, 612, 3] })`
 */
export const legacyReadingSchema = z.object({
  devid: id,
  ts: z.union([instant, z.number().int().nonnegative()]),
  readings: z.tuple([
    finite,
    finite,
    finite,
    finite,
    finite,
    finite,
    z.number().int().min(0).max(3),
  ]),
});

/** A device reading. @example `const r: DeviceReading = deviceReadingSchema.parse(json)` */
export type DeviceReading = z.infer<typeof deviceReadingSchema>;
/** A household reading. @example `const r: HouseholdReading = householdReadingSchema.parse(json)` */
export type HouseholdReading = z.infer<typeof householdReadingSchema>;
/** A legacy sensor record before normalization. */
export type LegacyReading = z.infer<typeof legacyReadingSchema>;
/** Any reading that may travel on the stream. @example `if (r.kind === 'device') r.deviceId` */
export type Reading = DeviceReading | HouseholdReading;

/**
 * Schema of what the stream carries: a device or household reading (no legacy shape).
 * @example `wireReadingSchema.parse(JSON.parse(text))`
 */
export const wireReadingSchema = z.discriminatedUnion('kind', [
  deviceReadingSchema,
  householdReadingSchema,
]);

/**
 * Converts a legacy record to a device reading, in the order of `LEGACY_READING_ORDER` (the accuracy is dropped).
 * @example `legacyToDevice(legacyReadingSchema.parse(json)).kind // 'device'`
 */
export function legacyToDevice(legacy: LegacyReading): DeviceReading {
  const [iaq, temperature, humidity, voc, pressure, co2] = legacy.readings;
  return {
    kind: 'device',
    deviceId: legacy.devid,
    ts: typeof legacy.ts === 'number' ? new Date(legacy.ts).toISOString() : legacy.ts,
    readings: { iaq, temperature, humidity, voc, pressure, co2 },
  };
}

/**
 * Schema accepting every input shape and producing a {@link Reading} (legacy → device).
 * @example `readingSchema.parse({ devid: 'x', ts: 0, readings: [1, 2, 3, 4, 5, 6, 0] }).kind // 'device'`
 */
export const readingSchema: z.ZodType<Reading, unknown> = z.union([
  wireReadingSchema,
  legacyReadingSchema.transform(legacyToDevice),
]);

/** Result of {@link parseReading}: the reading, or a one-line description of why not. */
export type ParseReadingResult = { ok: true; reading: Reading } | { ok: false; detail: string };

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}

/**
 * Parses any input shape into a {@link Reading}, choosing the schema by `kind` (or `devid`
 * for the legacy shape) so the error names the fields of the shape that was meant.
 *
 * @example
 * ```ts
 * const r = parseReading(JSON.parse(body));
 * if (!r.ok) reply(400, r.detail);
 * ```
 */
export function parseReading(json: unknown): ParseReadingResult {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, detail: '(root): expected an object' };
  }
  const fast = fastWireReading(json as Readonly<Record<string, unknown>>);
  if (fast !== undefined) return { ok: true, reading: fast };
  const kind = (json as { kind?: unknown }).kind;
  const schema =
    kind === 'device'
      ? deviceReadingSchema
      : kind === 'household'
        ? householdReadingSchema
        : kind === undefined && 'devid' in json
          ? legacyReadingSchema
          : undefined;
  if (schema === undefined) {
    return {
      ok: false,
      detail: `kind: expected "device" or "household" (or a legacy {devid, ts, readings}), got ${JSON.stringify(kind)}`,
    };
  }
  const result = schema.safeParse(json);
  if (!result.success) return { ok: false, detail: describeIssues(result.error) };
  const data = result.data;
  return { ok: true, reading: 'devid' in data ? legacyToDevice(data) : data };
}

/**
 * The series key of a reading: its device or household id. Also the Kinesis partition key of
 * every reading (so a series stays on one shard, in order); {@link partitionKeyOf} is the same
 * choice for a record not (yet) validated.
 * @example `readingKey(r) // 'B84C4503F361D64A'`
 */
export function readingKey(reading: Reading): string {
  return reading.kind === 'device' ? reading.deviceId : reading.householdId;
}

/**
 * The partition key of a raw (unvalidated) reading record, e.g. an archived line to replay:
 * its `deviceId`, `householdId` or legacy `devid` — what {@link readingKey} gives once valid.
 * @example `partitionKeyOf({ devid: 'B84C', ts: 0, readings: [] }) // 'B84C'`
 */
export function partitionKeyOf(record: unknown): string | undefined {
  if (typeof record !== 'object' || record === null) return undefined;
  const r = record as Record<string, unknown>;
  for (const field of ['deviceId', 'householdId', 'devid']) {
    const v = r[field];
    if (typeof v === 'string' && v.length > 0) return v;
  }
  return undefined;
}

/**
 * The event time of a reading in epoch milliseconds (`Date.parse` of `ts`, parsed once: the
 * value {@link parseReading} computed while validating is reused, see `instantMs`).
 * @example `readingTime({ ...r, ts: '1970-01-01T00:01:00Z' }) // 60000`
 */
export function readingTime(reading: Reading): number {
  return instantMs(reading.ts);
}

/**
 * The measures of a reading as a name → value record (the shape-independent view).
 * @example `readingValues(r).iaq`
 */
export function readingValues(reading: Reading): Readonly<Record<string, number>> {
  return reading.readings;
}

/**
 * The measure names of a reading kind, in wire order.
 * @example `measuresOf('device') // ['iaq', 'temperature', …]`
 */
export function measuresOf(kind: Reading['kind']): readonly string[] {
  return kind === 'device' ? DEVICE_MEASURES : HOUSEHOLD_MEASURES;
}
