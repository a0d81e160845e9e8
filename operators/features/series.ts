/**
 * @module operators/features/series
 * What the feature operators share: how to read a keyed numeric series out of an element.
 */

/** Selects one numeric series per key from the elements, e.g. the IAQ of each device. */
export interface SeriesOptions<T> {
  readonly key: (element: T) => string;
  readonly time: (element: T) => number;
  readonly value: (element: T) => number;
}

/** A feature computed at one element of a keyed series. */
export interface SeriesPoint {
  readonly key: string;
  readonly time: number;
  /** The element's own value. */
  readonly value: number;
}
