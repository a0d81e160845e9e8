/**
 * @module core/schema/reading-fast-path
 * A hand-written check of the two wire shapes (`device`, `household`) in the canonical form
 * producers send, run before zod: it either accepts — returning exactly what zod would
 * (a fresh object in schema key order, unknown keys stripped) — or declines, and the caller
 * runs zod, so every error detail still comes from zod. It never rejects on its own.
 * Accepting also parses `ts` once into epoch ms and remembers it for {@link readingTime}.
 *
 * Invariant: whatever it accepts, the zod schema of that kind accepts with an equal result
 * (tested on valid, mutated and broken inputs in `reading-fast-path.test.ts`).
 */
import { SERIES_ID_PATTERN as ID } from './series-id.js';

/** What the device schema outputs (structurally `DeviceReading`; not imported: no cycle). */
interface FastDevice {
  kind: 'device';
  deviceId: string;
  ts: string;
  readings: Record<'iaq' | 'temperature' | 'humidity' | 'voc' | 'pressure' | 'co2', number>;
}
/** What the household schema outputs (structurally `HouseholdReading`). */
interface FastHousehold {
  kind: 'household';
  householdId: string;
  ts: string;
  readings: Record<
    | 'globalActivePower'
    | 'globalReactivePower'
    | 'voltage'
    | 'globalIntensity'
    | 'subMetering1'
    | 'subMetering2'
    | 'subMetering3',
    number
  >;
}

const isFinite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

const digit = (s: string, i: number): number => {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : NaN;
};
const two = (s: string, i: number): number => digit(s, i) * 10 + digit(s, i + 1);

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Epoch ms of a UTC instant in the canonical form `YYYY-MM-DDTHH:MM:SSZ` or
 * `YYYY-MM-DDTHH:MM:SS.sssZ` (what `Date.prototype.toISOString` writes), with a real calendar
 * date; NaN for anything else (other forms are left to zod and `Date.parse`). Equal to
 * `Date.parse(ts)` wherever it is not NaN.
 *
 * @example `canonicalInstantMs('1970-01-01T00:01:00.000Z') // 60000`
 */
export function canonicalInstantMs(ts: string): number {
  const n = ts.length;
  if (n !== 20 && n !== 24) return NaN;
  if (
    ts.charCodeAt(4) !== 45 || // -
    ts.charCodeAt(7) !== 45 ||
    ts.charCodeAt(10) !== 84 || // T
    ts.charCodeAt(13) !== 58 || // :
    ts.charCodeAt(16) !== 58 ||
    ts.charCodeAt(n - 1) !== 90 // Z
  ) {
    return NaN;
  }
  const y = two(ts, 0) * 100 + two(ts, 2);
  const mo = two(ts, 5);
  const d = two(ts, 8);
  const h = two(ts, 11);
  const mi = two(ts, 14);
  const s = two(ts, 17);
  let ms = 0;
  if (n === 24) {
    if (ts.charCodeAt(19) !== 46) return NaN; // .
    ms = digit(ts, 20) * 100 + two(ts, 21);
  }
  // NaN (a non-digit) fails every comparison below.
  if (!(mo >= 1 && mo <= 12 && d >= 1 && h <= 23 && mi <= 59 && s <= 59 && ms >= 0)) return NaN;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  const dim = mo === 2 && leap ? 29 : (DAYS_IN_MONTH[mo - 1] as number);
  if (d > dim) return NaN;
  return daysFromCivil(y, mo, d) * 86_400_000 + h * 3_600_000 + mi * 60_000 + s * 1000 + ms;
}

let lastTs: string | undefined;
let lastMs = NaN;

/**
 * Epoch ms of an ISO-8601 instant, parsed once per reading: the last parsed `ts` is
 * remembered (a reading flows through validate, normalize and window synchronously, so the
 * window's `readingTime` finds what validate parsed). Same result as `Date.parse(ts)`.
 *
 * @example `instantMs('1970-01-01T00:01:00Z') // 60000`
 */
export function instantMs(ts: string): number {
  if (ts === lastTs) return lastMs;
  const fast = canonicalInstantMs(ts);
  const ms = fast === fast ? fast : Date.parse(ts);
  lastTs = ts;
  lastMs = ms;
  return ms;
}

/**
 * The reading zod would produce from `json`, if `json` is a `device` or `household` reading in
 * canonical form; `undefined` means "not decided here: ask zod" (never "invalid").
 *
 * @example `fastWireReading(JSON.parse(text)) ?? deviceReadingSchema.parse(...)`
 */
export function fastWireReading(
  json: Readonly<Record<string, unknown>>,
): FastDevice | FastHousehold | undefined {
  const kind = json.kind;
  const ts = json.ts;
  const r = json.readings;
  if (typeof ts !== 'string' || typeof r !== 'object' || r === null || Array.isArray(r)) {
    return undefined;
  }
  const m = r as Readonly<Record<string, unknown>>;
  if (kind === 'device') {
    const id = json.deviceId;
    if (typeof id !== 'string' || !ID.test(id)) return undefined;
    const { iaq, temperature, humidity, voc, pressure, co2 } = m;
    if (
      !isFinite(iaq) ||
      !isFinite(temperature) ||
      !isFinite(humidity) ||
      !isFinite(voc) ||
      !isFinite(pressure) ||
      !isFinite(co2)
    ) {
      return undefined;
    }
    if (!timeOk(ts)) return undefined;
    return {
      kind: 'device',
      deviceId: id,
      ts,
      readings: { iaq, temperature, humidity, voc, pressure, co2 },
    };
  }
  if (kind === 'household') {
    const id = json.householdId;
    if (typeof id !== 'string' || !ID.test(id)) return undefined;
    const {
      globalActivePower,
      globalReactivePower,
      voltage,
      globalIntensity,
      subMetering1,
      subMetering2,
      subMetering3,
    } = m;
    if (
      !isFinite(globalActivePower) ||
      !isFinite(globalReactivePower) ||
      !isFinite(voltage) ||
      !isFinite(globalIntensity) ||
      !isFinite(subMetering1) ||
      !isFinite(subMetering2) ||
      !isFinite(subMetering3)
    ) {
      return undefined;
    }
    if (!timeOk(ts)) return undefined;
    return {
      kind: 'household',
      householdId: id,
      ts,
      readings: {
        globalActivePower,
        globalReactivePower,
        voltage,
        globalIntensity,
        subMetering1,
        subMetering2,
        subMetering3,
      },
    };
  }
  return undefined;
}

/** Whether `ts` is canonical (so zod's datetime check passes); remembers its epoch ms. */
function timeOk(ts: string): boolean {
  const ms = canonicalInstantMs(ts);
  if (ms !== ms) return false;
  lastTs = ts;
  lastMs = ms;
  return true;
}
