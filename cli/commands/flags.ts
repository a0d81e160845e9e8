/**
 * @module cli/commands/flags
 * Parsers of numeric flags shared by every command, so a bad value is refused the same way
 * everywhere: by commander, as `option '--trees <n>' argument '-3' is invalid. …`, before
 * the command runs.
 */
import { InvalidArgumentError } from 'commander';

/** A parser accepting a positive number (`integer`: a positive integer). */
export function positive(integer = false): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n)))
      throw new InvalidArgumentError(`must be a positive ${integer ? 'integer' : 'number'}`);
    return n;
  };
}

/** A parser accepting a finite number ≥ 0. */
export function nonNegative(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0)
    throw new InvalidArgumentError('must be a number ≥ 0');
  return n;
}

/** A parser of a simulated speed: a positive number or `Infinity` (flat out). */
export function speed(value: string): number {
  const n = Number(value);
  if (!(n > 0)) throw new InvalidArgumentError('must be a positive number or Infinity');
  return n;
}
