/**
 * @module cli/commands/drain
 * How a `consume` worker process ends: the worker drains on SIGTERM or SIGINT (its own
 * handlers); should the drain outlive the deadline by 2 s, the process exits with code 1, so
 * a stuck write never keeps a terminated task alive. Once the worker stopped, the entry
 * point's clients are closed.
 */

/** Resolves when `worker` stopped (see module doc), after closing `flow`. */
export async function untilDrained(
  worker: { readonly stopped: Promise<unknown> },
  flow: { close(): void },
  drainDeadlineSeconds: number,
): Promise<void> {
  const hardStop = () =>
    setTimeout(() => process.exit(1), drainDeadlineSeconds * 1000 + 2000).unref();
  process.once('SIGTERM', hardStop);
  process.once('SIGINT', hardStop);
  await worker.stopped;
  flow.close();
}
