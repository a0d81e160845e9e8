/**
 * @module model-server/invoker
 * The I/O behind the inference operators: an `Invoke` function that calls SageMaker
 * Runtime `InvokeEndpoint` through the shared SDK client (endpoint overrides honoured by
 * `createAwsClients`). Create the client with `maxAttempts: 1` so the operator's retry
 * policy and circuit breaker are the only ones at work. Invariant: the request is aborted
 * when the operator's timeout fires (the signal is passed to the SDK).
 */
import {
  InvokeEndpointCommand,
  type SageMakerRuntimeClient,
} from '@aws-sdk/client-sagemaker-runtime';
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
    const out = await client.send(
      new InvokeEndpointCommand({
        EndpointName: endpointName,
        Body: encoder.encode(request.body),
        ContentType: request.contentType,
        Accept: request.accept,
        ...(targetModel ? { TargetModel: targetModel } : {}),
      }),
      { abortSignal: signal },
    );
    return {
      body: decoder.decode(out.Body),
      ...(out.ContentType ? { contentType: out.ContentType } : {}),
    };
  };
}
