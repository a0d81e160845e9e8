/**
 * @module models/rcf/typed
 * Element reads of the forest's typed arrays as plain numbers. The compiler's
 * `noUncheckedIndexedAccess` types every indexed read as `number | undefined`; the forest
 * indexes only within bounds it maintains itself, so these readers state that once instead
 * of a cast at every read. One reader per array type keeps each call site monomorphic (the
 * engine inlines them). Also the base64 text form of typed arrays used by the codec.
 */

/** `a[i]` of a Float32Array. */
export const f32 = (a: Float32Array, i: number): number => a[i] as number;
/** `a[i]` of a Float64Array. */
export const f64 = (a: Float64Array, i: number): number => a[i] as number;
/** `a[i]` of an Int32Array. */
export const i32 = (a: Int32Array, i: number): number => a[i] as number;
/**
 * `a[i]` of a tree's cut dimensions: a Uint8Array up to 256 dimensions, else a Uint16Array
 * (one type per forest shape, so a process of same-shape forests sees one).
 */
export const dimAt = (a: Uint8Array | Uint16Array, i: number): number => a[i] as number;
/** `a[i]` of caller input (validated finite by the forest before it is stored). */
export const at = (a: ArrayLike<number>, i: number): number => a[i] as number;

/** A typed array of the forest's state. */
export type Typed = Int32Array | Uint16Array | Float32Array | Float64Array;
/** Constructor of a {@link Typed} array over a buffer. */
export type TypedCtor<T extends Typed> = {
  new (buffer: ArrayBuffer): T;
  readonly BYTES_PER_ELEMENT: number;
};

/** Base64 of the bytes of `a` (the codec's text form of typed arrays). */
export const toBase64 = (a: Typed): string =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

/** The typed array of `ctor` whose bytes `s` holds in base64; undefined if they do not fit. */
export function fromBase64<T extends Typed>(s: string, ctor: TypedCtor<T>): T | undefined {
  const bytes = new Uint8Array(Buffer.from(s, 'base64'));
  if (bytes.byteLength % ctor.BYTES_PER_ELEMENT !== 0) return undefined;
  return new ctor(bytes.buffer);
}
