/**
 * @module model-server/batch-transform
 * What SageMaker batch transform does with the container, done locally with the same code:
 * the input's lines are split into requests of at most `MaxPayloadInMB` (`SplitType=Line`,
 * `BatchStrategy=MultiRecord`), each request is one `/invocations` of the model
 * (`invokeModel`, as the server runs it) in JSON lines, and the answers are assembled line by
 * line (`AssembleWith=Line`) in input order. A single line larger than the limit fails the
 * job, as in SageMaker.
 */
import { PayloadError, invokeModel, type Model } from './payloads.js';

/** Settings of a local transform, named as in `CreateTransformJob`. */
export interface TransformSettings {
  /** Largest request in MB (SageMaker's default 6; 0 is not supported here). */
  readonly maxPayloadInMB?: number;
  /** Content type of the lines; default `application/jsonlines`. */
  readonly contentType?: 'application/jsonlines' | 'text/csv';
}

const MB = 1024 * 1024;

/**
 * Groups lines into requests of at most `maxPayloadInMB` (bytes of the lines and their
 * newlines), in order. Throws {@link PayloadError} 413 for a line alone over the limit.
 */
export function splitPayloads(lines: readonly string[], maxPayloadInMB = 6): string[][] {
  const limit = maxPayloadInMB * MB;
  const requests: string[][] = [];
  let current: string[] = [];
  let size = 0;
  for (const [i, line] of lines.entries()) {
    const bytes = Buffer.byteLength(line) + 1;
    if (bytes > limit)
      throw new PayloadError(413, `line ${i + 1} alone exceeds MaxPayloadInMB=${maxPayloadInMB}`);
    if (size + bytes > limit) {
      requests.push(current);
      current = [];
      size = 0;
    }
    current.push(line);
    size += bytes;
  }
  if (current.length > 0) requests.push(current);
  return requests;
}

/**
 * Runs `model` over `lines` as a batch transform job would; yields, per request, its output
 * lines (one JSON result per input line), so a caller can show progress.
 *
 * @example
 * for await (const out of transformLines(model, lines, { maxPayloadInMB: 6 })) write(out);
 */
export async function* transformLines(
  model: Model,
  lines: readonly string[],
  settings: TransformSettings = {},
): AsyncGenerator<{ readonly input: number; readonly output: string[] }> {
  const { maxPayloadInMB = 6, contentType = 'application/jsonlines' } = settings;
  for (const request of splitPayloads(lines, maxPayloadInMB)) {
    const answer = invokeModel(
      model,
      `${request.join('\n')}\n`,
      contentType,
      'application/jsonlines',
      {
        maxRows: Number.MAX_SAFE_INTEGER,
      },
    );
    const output = answer.body.split('\n').filter((l) => l !== '');
    if (output.length !== request.length)
      throw new PayloadError(500, `${request.length} lines in, ${output.length} out`);
    yield { input: request.length, output };
    await new Promise((resolve) => setImmediate(resolve));
  }
}
