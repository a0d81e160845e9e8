/**
 * @module model-server/invoker
 * The I/O behind the inference operators: an `Invoke` function that calls SageMaker
 * Runtime `InvokeEndpoint` through the shared SDK client (endpoint overrides honoured by
 * `createAwsClients`). Create the client with `maxAttempts: 1` so the operator's retry
 * policy and circuit breaker are the only ones at work. Invariant: the request is aborted
 * when the operator's timeout fires (the signal is passed to the SDK); SDK errors are thrown
 * as core errors flagged by the one classifier (`adapters/aws-errors`), so the operator
 * retries throttling, 5xx and a model's own 5xx/429, and dead-letters 4xx at once.
 */
import {
  InvokeEndpointCommand,
  type SageMakerRuntimeClient,
} from '@aws-sdk/client-sagemaker-runtime';
import { toShardflowError } from '../adapters/index.js';
import type { Invoke } from '../operators/index.js';

/** Options of {@link sageMakerInvoke}. */
export interface SageMakerInvokeOptions {
  readonly endpointName: string;
  /** Model of a multi-model endpoint. */
  readonly targetModel?: string;
}

/** An `Invoke` for {@link invokeEndpoint} backed by SageMaker Runtime. */
export function sageMakerInvoke(
  client: SageMakerRuntimeClient,
  options: SageMakerInvokeOptions,
): Invoke {
  const { endpointName, targetModel } = options;
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  return async (request, signal) => {
    const out = await client
      .send(
        new InvokeEndpointCommand({
          EndpointName: endpointName,
          Body: encoder.encode(request.body),
          ContentType: request.contentType,
          Accept: request.accept,
          ...(targetModel ? { TargetModel: targetModel } : {}),
        }),
        { abortSignal: signal },
      )
      .catch((error: unknown) => {
        throw toShardflowError(error);
      });
    return {
      body: decoder.decode(out.Body),
      ...(out.ContentType ? { contentType: out.ContentType } : {}),
    };
  };
}
