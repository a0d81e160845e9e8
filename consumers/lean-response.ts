/**
 * @module consumers/lean-response
 * The one way our lean readers (`GetRecords`, `SubscribeToShard`) take over a successful
 * response: an innermost deserialize middleware on the command sees the raw HTTP response
 * before the SDK parses it, lets a reader decode it and hand the SDK a trivial body to finish
 * with, and leaves every other response (errors, throttles, retries) to the SDK. Signing,
 * endpoints, retries and error types stay the SDK's own.
 */

/** The raw HTTP response as the deserialize step sees it; a reader may replace `body`. */
export interface RawResponse {
  readonly statusCode?: number;
  readonly headers?: Record<string, string>;
  body?: unknown;
}

/** A command whose middleware stack takes a deserialize middleware. */
interface LeanCommand {
  readonly middlewareStack: {
    add(
      middleware: (
        next: (args: never) => Promise<{ response: unknown }>,
      ) => (args: never) => Promise<{ response: unknown }>,
      options: { step: 'deserialize'; priority: 'low'; name: string },
    ): void;
  };
}

/** The `content-type` header of a response (any case), or `''`. */
export function contentType(headers: Record<string, string> | undefined): string {
  if (headers !== undefined) {
    for (const name of Object.keys(headers)) {
      if (name.toLowerCase() === 'content-type') return headers[name] ?? '';
    }
  }
  return '';
}

/**
 * Installs `read` on `command` (see module doc) and sends it with `send` (the client's, with
 * its abort signal): `read` returns the lean output of a raw response it took over (after
 * replacing its body) or `undefined` to leave it to the SDK; it may throw to fail the attempt.
 * Resolves to the SDK's output and the lean output of the last attempt, if any.
 */
export async function sendLean<C extends LeanCommand, O, L>(
  command: C,
  name: string,
  read: (response: RawResponse) => Promise<L | undefined>,
  send: (command: C) => Promise<O>,
): Promise<{ readonly out: O; readonly lean: L | undefined }> {
  let lean: L | undefined;
  command.middlewareStack.add(
    (next) => async (args) => {
      lean = undefined;
      const result = await next(args);
      lean = await read(result.response as RawResponse);
      return result;
    },
    // innermost of the deserialize step: sees the raw HTTP response before the SDK parses it
    { step: 'deserialize', priority: 'low', name },
  );
  const out = await send(command);
  return { out, lean };
}
