/**
 * @module cli/progress-line
 * The one progress line of the commands (export, replay, batch-score): on a terminal the
 * line is rewritten in place (`\r` + erase line), elsewhere (pipes, CI logs, tests) each
 * update is a line of its own; updates may be throttled, a final one (`force`) never is.
 */

/** Where a progress line is written (`process.stdout` or `process.stderr`). */
export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

/** A progress line on one stream. */
export interface ProgressLine {
  /** Shows `text` (skipped within `minIntervalMs` of the last shown, unless `force`). */
  update(text: string, force?: boolean): void;
  /** Ends the line on a terminal (a newline), so what follows starts on a fresh line. */
  done(): void;
}

/** Options of {@link progressLine}. */
export interface ProgressLineOptions {
  /** Least time between shown updates, ms; default 0 (every update). */
  readonly minIntervalMs?: number;
  /** Clock of the throttle; default `Date.now`. */
  readonly now?: () => number;
}

/**
 * A progress line on `stream` (see module doc).
 * @example
 * ```ts
 * const line = progressLine(process.stderr, { minIntervalMs: 250 });
 * line.update(`export: ${progressBar(done, total)} ${done}/${total}`, done === total);
 * line.done();
 * ```
 */
export function progressLine(
  stream: ProgressStream,
  options: ProgressLineOptions = {},
): ProgressLine {
  const { minIntervalMs = 0, now = Date.now } = options;
  const tty = stream.isTTY === true;
  let last = -Infinity;
  return {
    update(text, force = false) {
      const t = now();
      if (!force && t - last < minIntervalMs) return;
      last = t;
      stream.write(tty ? `\r\x1b[2K${text}` : `${text}\n`);
    },
    done() {
      if (tty) stream.write('\n');
    },
  };
}

/**
 * A text progress bar, `[######..................]` (empty while `total` is 0).
 * @example `progressBar(1, 4, 8) // '[##......]'`
 */
export function progressBar(done: number, total: number, width = 24): string {
  const filled = total > 0 ? Math.min(width, Math.max(0, Math.round((done / total) * width))) : 0;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}
