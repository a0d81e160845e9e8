/**
 * @module bench/count-calls
 * Counts the SDK calls a measured region makes, by command, with the size of their input
 * (`BENCH_CALLS=1` in `bench:consumer`): per-call costs do not grow with records, and the
 * count tells how much of a per-record figure they are.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KinesisClient } from '@aws-sdk/client-kinesis';

/** Calls and input bytes by command name, since the last `clear()`. */
export type CallCounts = Map<string, { n: number; bytes: number }>;

/** Adds a counting middleware to both clients; returns the live counts. */
export function countCalls(kinesis: KinesisClient, dynamodb: DynamoDBClient): CallCounts {
  const calls: CallCounts = new Map();
  const count = (name: string | undefined, input: unknown) => {
    const c = calls.get(name ?? '?') ?? { n: 0, bytes: 0 };
    c.n += 1;
    c.bytes += JSON.stringify(input, (_k, v: unknown) =>
      v instanceof Uint8Array ? v.byteLength : v,
    ).length;
    calls.set(name ?? '?', c);
  };
  const options = { step: 'initialize', name: 'benchCountCalls' } as const;
  kinesis.middlewareStack.add(
    (next, context) => async (args) => (count(context.commandName, args.input), next(args)),
    options,
  );
  dynamodb.middlewareStack.add(
    (next, context) => async (args) => (count(context.commandName, args.input), next(args)),
    options,
  );
  // a client with `cacheMiddleware` (aws-clients' DynamoDB) keeps the stacks it resolved
  // before this middleware was added: drop them (the SDK rebuilds its cache on the next send)
  for (const client of [kinesis, dynamodb])
    delete (client as unknown as { handlers?: unknown }).handlers;
  return calls;
}

/** Prints `calls`, most frequent first. */
export function printCalls(calls: CallCounts): void {
  for (const [k, v] of [...calls].sort((a, b) => b[1].n - a[1].n)) {
    console.log(`    ${k}: ${v.n} calls, ${Math.round(v.bytes / v.n)} bytes of input each`);
  }
}
