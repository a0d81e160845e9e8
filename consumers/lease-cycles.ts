/**
 * @module consumers/lease-cycles
 * The lease coordinator's periodic cycles (renewals, takes): one cycle of a kind at a time,
 * a failed cycle reported, never thrown. A tick that comes while the previous cycle still
 * runs is skipped, or — with `catchUp` — run as soon as that cycle ends, so a cycle slowed
 * by retries delays the next one instead of dropping it.
 */

/** Options of {@link periodic}. */
export interface PeriodicOptions {
  /** Run a tick missed while busy as soon as the running cycle ends. */
  readonly catchUp: boolean;
  /** Receives the error of a failed cycle. */
  readonly onError: (error: unknown) => void;
  /** A missed tick is caught up only while this holds (the owner is running). */
  readonly active: () => boolean;
}

/** A started periodic cycle: `run` starts one now (or marks it missed); clear `timer` to stop. */
export interface Periodic {
  readonly run: () => void;
  readonly timer: NodeJS.Timeout;
}

/** Runs `cycle` every `ms` milliseconds, never two at once. */
export function periodic(ms: number, cycle: () => Promise<void>, o: PeriodicOptions): Periodic {
  let busy = false;
  let missed = false;
  const run = (): void => {
    if (busy) {
      missed = o.catchUp;
      return;
    }
    busy = true;
    cycle()
      .catch(o.onError)
      .finally(() => {
        busy = false;
        if (missed && o.active()) {
          missed = false;
          run();
        }
      });
  };
  return { run, timer: setInterval(run, ms) };
}
