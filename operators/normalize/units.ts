/**
 * @module operators/normalize/units
 * Unit conversions for `normalize({ convert })`, each a pure `number → number`.
 */

/**
 * Conversions between the units sensors report and the units of the wire shapes.
 * @example `normalize({ convert: { temperature: units.fahrenheitToCelsius } })`
 */
export const units = {
  /** °F → °C. */
  fahrenheitToCelsius: (f: number): number => ((f - 32) * 5) / 9,
  /** K → °C. */
  kelvinToCelsius: (k: number): number => k - 273.15,
  /** Pa → hPa. */
  pascalToHectopascal: (pa: number): number => pa / 100,
  /** W → kW. */
  wattToKilowatt: (w: number): number => w / 1000,
  /** ppb → ppm. */
  ppbToPpm: (ppb: number): number => ppb / 1000,
  /** Fraction 0–1 → percent. */
  fractionToPercent: (x: number): number => x * 100,
} as const;
