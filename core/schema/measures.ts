/**
 * @module core/schema/measures
 * The measure names of each wire shape, their plausible physical ranges, and the legacy
 * 7-value field order. Single source of truth for the simulator, ingest, normalize, pivot.
 */

/** Measures of an indoor-air-quality device reading, in wire order. */
export const DEVICE_MEASURES = [
  'iaq',
  'temperature',
  'humidity',
  'voc',
  'pressure',
  'co2',
] as const;

/** Measures of a household power reading (UCI "Individual household electric power consumption"). */
export const HOUSEHOLD_MEASURES = [
  'globalActivePower',
  'globalReactivePower',
  'voltage',
  'globalIntensity',
  'subMetering1',
  'subMetering2',
  'subMetering3',
] as const;

/** A device measure name. */
export type DeviceMeasure = (typeof DEVICE_MEASURES)[number];
/** A household measure name. */
export type HouseholdMeasure = (typeof HOUSEHOLD_MEASURES)[number];

/**
 * Field order of the legacy sensor shape `{devid, ts, readings: [7 numbers]}`: the six device
 * measures in wire order, then the BSEC IAQ accuracy (an integer 0–3). The accuracy is
 * validated and then dropped: the device shape has no field for it, and a reading with
 * accuracy 0 (sensor still calibrating) is still a valid reading.
 *
 * @example `{"devid":"B84C","ts":"2026-11-23T05:00:00Z","readings":[45.2,21.3,40.1,0.52,1013.2,612,3]}`
 */
export const LEGACY_READING_ORDER = [...DEVICE_MEASURES, 'iaqAccuracy'] as const;

/**
 * Plausible ranges `[min, max]` (inclusive) per measure, in the units of the wire shapes:
 * IAQ index 0–500 (BSEC), °C, %RH, VOC ppm (breath-VOC equivalent), hPa, CO₂ ppm; household
 * power in kW, kVAR, V, A and sub-metering in Wh. Values outside are sensor faults, not weather.
 *
 * @example `PLAUSIBLE_RANGES.temperature // [-40, 85]`
 */
export const PLAUSIBLE_RANGES: Readonly<
  Record<DeviceMeasure | HouseholdMeasure, readonly [number, number]>
> = {
  iaq: [0, 500],
  temperature: [-40, 85],
  humidity: [0, 100],
  voc: [0, 1000],
  pressure: [300, 1100],
  co2: [250, 40000],
  globalActivePower: [0, 20],
  globalReactivePower: [0, 5],
  voltage: [180, 270],
  globalIntensity: [0, 100],
  subMetering1: [0, 200],
  subMetering2: [0, 200],
  subMetering3: [0, 200],
};

/** Inclusive plausible range `[min, max]` per measure name (the shape of {@link PLAUSIBLE_RANGES}). */
export type PlausibleRanges = Readonly<Record<string, readonly [number, number]>>;

/**
 * The measures of `values` outside their plausible range, each described as
 * `name=value outside [min, max]` (NaN is outside every range; measures without a range are
 * not checked). The HTTP edge answers 400 with these; normalize dead-letters them as
 * `out-of-range` — both against the one table, {@link PLAUSIBLE_RANGES}.
 *
 * @example `implausibleMeasures({ temperature: 1e300 }) // ['temperature=1e+300 outside [-40, 85]']`
 */
export function implausibleMeasures(
  values: Readonly<Record<string, number>>,
  ranges: PlausibleRanges = PLAUSIBLE_RANGES,
): string[] {
  const out: string[] = [];
  for (const measure in values) {
    const range = ranges[measure];
    const v = values[measure] as number;
    if (range !== undefined && !(v >= range[0] && v <= range[1])) {
      out.push(`${measure}=${v} outside [${range.join(', ')}]`);
    }
  }
  return out;
}
