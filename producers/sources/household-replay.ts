/**
 * @module producers/sources/household-replay
 * Replays the public household power data set (UCI "Individual household electric power
 * consumption", `data/household/`) as `household` readings. Several households are made
 * from the one recorded household by reading the rows at different offsets on a shared
 * clock. Missing values (`?`) become gaps — reported, never turned into zeros.
 *
 * Invariant: every output step yields, per household, exactly one reading or one gap.
 */
import { readFileSync } from 'node:fs';
import { ConfigError, HOUSEHOLD_MEASURES, type HouseholdReading } from '../../core/index.js';

/** One row of the data set: its time and its values, or undefined when missing. */
export interface HouseholdRow {
  /** Epoch milliseconds (the recorded local time read as UTC). */
  readonly ts: number;
  readonly readings?: HouseholdReading['readings'];
}

/** An output step of one household: a reading, or a gap where the data has `?`. */
export type HouseholdEvent =
  | { readonly type: 'reading'; readonly reading: HouseholdReading }
  | { readonly type: 'gap'; readonly householdId: string; readonly ts: string };

/** Options of {@link householdEvents}. */
export interface HouseholdReplayOptions {
  /** Number of households; default 3. */
  readonly households?: number;
  /** Rows between the starting points of consecutive households; default 360 (6 h). */
  readonly offsetRows?: number;
  /** Shift every timestamp so the first row is at this time (e.g. now); default no shift. */
  readonly startAt?: Date;
  /** Passes over the data; default 1. */
  readonly loops?: number;
}

/** The data set's value columns (after date and time) are the household measures, in order. */
const FIELDS = HOUSEHOLD_MEASURES;

/**
 * Parses the `;`-separated text of the data set (header line optional). A row with any `?`
 * or empty value is a gap. Throws on a malformed date.
 */
export function parseHouseholdRows(text: string): HouseholdRow[] {
  const rows: HouseholdRow[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '' || line.startsWith('Date')) continue;
    const [date, time, ...values] = line.split(';');
    const d = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(date ?? '');
    const t = /^(\d{2}):(\d{2}):(\d{2})$/.exec(time ?? '');
    if (!d || !t) throw new Error(`malformed household row: ${line}`);
    const ts = Date.UTC(+d[3]!, +d[2]! - 1, +d[1]!, +t[1]!, +t[2]!, +t[3]!);
    const numbers = FIELDS.map((_, i) => values[i]?.trim() ?? '');
    if (numbers.some((v) => v === '' || v === '?' || !Number.isFinite(Number(v)))) {
      rows.push({ ts });
      continue;
    }
    const readings = Object.fromEntries(FIELDS.map((f, i) => [f, Number(numbers[i])]));
    rows.push({ ts, readings: readings as HouseholdReading['readings'] });
  }
  return rows;
}

/** Reads and parses a data-set file. */
export function loadHouseholdRows(path: string): HouseholdRow[] {
  return parseHouseholdRows(readFileSync(path, 'utf8'));
}

/** Household id for index `i`: `h-0001`, `h-0002`, … */
export const householdId = (i: number): string => `h-${String(i + 1).padStart(4, '0')}`;

/** The replay in time order: at each step, one event per household. */
export function* householdEvents(
  rows: readonly HouseholdRow[],
  options: HouseholdReplayOptions = {},
): Generator<HouseholdEvent> {
  const { households = 3, offsetRows = 360, startAt, loops = 1 } = options;
  if (rows.length === 0) return;
  if (!Number.isInteger(households) || households < 1)
    throw new ConfigError('households', 'must be ≥ 1');
  const step = rows.length > 1 ? rows[1]!.ts - rows[0]!.ts : 60_000;
  const span = rows[rows.length - 1]!.ts - rows[0]!.ts + step;
  const shift = startAt ? startAt.getTime() - rows[0]!.ts : 0;
  for (let loop = 0; loop < loops; loop += 1) {
    for (let k = 0; k < rows.length; k += 1) {
      const ts = new Date(rows[k]!.ts + loop * span + shift).toISOString();
      for (let h = 0; h < households; h += 1) {
        const row = rows[(k + h * offsetRows) % rows.length]!;
        const id = householdId(h);
        yield row.readings
          ? {
              type: 'reading',
              reading: { kind: 'household', householdId: id, ts, readings: row.readings },
            }
          : { type: 'gap', householdId: id, ts };
      }
    }
  }
}
