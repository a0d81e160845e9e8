/**
 * @module localstack/firehose/admin
 * Client side of the emulator's own endpoints (not part of the Firehose API): ask it to
 * deliver every buffer now, or read its per-stream counters. Tests and `make dev` use
 * these instead of waiting out the buffering interval.
 */

/** Per-stream counters reported by the emulator. */
export interface FirehoseStreamStats {
  readonly pending: number;
  readonly objects: number;
  readonly records: number;
  readonly failedWrites: number;
}

async function call(endpoint: string, method: string, path: string) {
  const response = await fetch(new URL(`/_shardflow/${path}`, endpoint), { method });
  if (!response.ok) throw new Error(`firehose emulator ${path}: HTTP ${response.status}`);
  return (await response.json()) as { streams: Record<string, FirehoseStreamStats> };
}

/** Delivers every buffered record of every delivery stream to S3; resolves when done. */
export async function flushFirehose(
  endpoint: string,
): Promise<Record<string, FirehoseStreamStats>> {
  return (await call(endpoint, 'POST', 'flush')).streams;
}

/** The emulator's per-stream counters. */
export async function firehoseStats(
  endpoint: string,
): Promise<Record<string, FirehoseStreamStats>> {
  return (await call(endpoint, 'GET', 'stats')).streams;
}
