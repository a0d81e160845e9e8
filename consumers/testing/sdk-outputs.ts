/**
 * @module consumers/testing/sdk-outputs
 * What a Kinesis client's SDK deserialiser returned, call by call: the lean readers' tests
 * compare with it, and check through it that the lean reader (not the SDK) read the records.
 */
import type { KinesisClient } from '@aws-sdk/client-kinesis';

/**
 * Adds an `initialize` middleware (named `name`, if given) to `client` that records every
 * call's output; returns the list it fills, in call order.
 */
export function sdkOutputs<T>(client: KinesisClient, name?: string): T[] {
  const outputs: T[] = [];
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      outputs.push(result.output as T);
      return result;
    },
    { step: 'initialize', ...(name ? { name } : {}) },
  );
  return outputs;
}
