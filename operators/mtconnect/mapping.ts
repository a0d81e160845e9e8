/**
 * @module operators/mtconnect/mapping
 * The mapping file: per device type (device names matching a pattern), which MTConnect data
 * items become which columns — picked by `dataItemId`, or by `type` (and optionally
 * `component`, `category`) — and, for text values (events, conditions), the number each
 * text stands for. JSON, validated with zod; an invalid file fails with the path of the
 * first problem. Example in `data/mtconnect/mapping.json`.
 */
import { z } from 'zod';
import { ConfigError } from '../../core/index.js';
import type { LongRow } from '../pivot/index.js';
import type { MtObservation } from './observations.js';

/** Numbers of the condition levels, unless a column says otherwise. */
export const CONDITION_LEVELS: Readonly<Record<string, number>> = {
  Normal: 0,
  Warning: 1,
  Fault: 2,
};

const columnSchema = z
  .object({
    column: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'lower_snake_case, at most 63 characters'),
    dataItemId: z.string().min(1).optional(),
    type: z.string().min(1).optional(),
    component: z.string().min(1).optional(),
    category: z.enum(['SAMPLE', 'EVENT', 'CONDITION']).optional(),
    values: z.record(z.string(), z.number()).optional(),
  })
  .strict()
  .refine((c) => c.dataItemId !== undefined || c.type !== undefined, {
    message: 'name a dataItemId or a type',
  });

const deviceTypeSchema = z
  .object({
    name: z.string().min(1),
    /** Regular expression over device names. */
    devices: z.string().refine((s) => {
      try {
        new RegExp(s);
        return true;
      } catch {
        return false;
      }
    }, 'not a regular expression'),
    columns: z.array(columnSchema).min(1),
  })
  .strict()
  .refine((t) => new Set(t.columns.map((c) => c.column)).size === t.columns.length, {
    message: 'column names must be unique',
  });

/** The schema of a mapping file. */
export const mtMappingSchema = z
  .object({ version: z.literal(1), deviceTypes: z.array(deviceTypeSchema).min(1) })
  .strict();

/** A validated mapping file. */
export type MtMapping = z.infer<typeof mtMappingSchema>;
/** One device type of a mapping. */
export type MtDeviceType = MtMapping['deviceTypes'][number];

/** Validates a parsed mapping file; throws {@link ConfigError} naming the first problem. */
export function parseMtMapping(json: unknown): MtMapping {
  const parsed = mtMappingSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new ConfigError(`mapping.${issue.path.join('.')}`, issue.message);
}

/** The device type of a device (first match), or undefined. */
export function deviceTypeOf(mapping: MtMapping, device: string): MtDeviceType | undefined {
  return mapping.deviceTypes.find((t) => new RegExp(t.devices).test(device));
}

/**
 * An observation as a long row of its minute (`measure_value`: the number; `NaN` when the
 * item is `UNAVAILABLE` or its text has no number), or undefined when no column picks it.
 */
export function observationRow(
  type: MtDeviceType,
  o: MtObservation,
  stepMs = 60_000,
): LongRow | undefined {
  const column = type.columns.find(
    (c) =>
      (c.dataItemId === undefined || c.dataItemId === o.dataItemId) &&
      (c.type === undefined || c.type === o.type) &&
      (c.component === undefined || c.component === o.component) &&
      (c.category === undefined || c.category === o.category),
  );
  if (column === undefined) return undefined;
  const table = column.values ?? (o.category === 'CONDITION' ? CONDITION_LEVELS : {});
  const value =
    typeof o.value === 'number' ? o.value : o.value === null ? NaN : (table[o.value] ?? NaN);
  return {
    time: Math.floor(o.time / stepMs) * stepMs,
    deviceId: o.device,
    measure_name: column.column,
    measure_value: value,
  };
}
