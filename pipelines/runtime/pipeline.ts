/**
 * @module pipelines/runtime/pipeline
 * The front half shared by every pipeline on one shard: decode → validate, then routing by
 * reading kind to each configured {@link readingChain} (devices, households or both on one
 * stream). Dead letters of the front become items of their own; readings of a kind no chain
 * takes are skipped. The whole pipeline is synchronous up to the (optional) remote scoring,
 * so after a batch is pushed every record of it is in an item already emitted or in the
 * shard's keyed state — which is what a snapshot barrier relies on (`shard-runner.ts`).
 * Documents of another wire shape (MTConnect streams) go, between decode and validate, to
 * the {@link DocumentSpec} that accepts them; with none configured the path is unchanged.
 */
import { connect, filter, map, merge, type Observable, type OperatorFunction } from 'rxjs';
import {
  ConfigError,
  type DeadLetter,
  type Reading,
  type SourceRecord,
  type Traced,
} from '../../core/index.js';
import { decode, isDeadLetter, validate, type Flow } from '../../operators/index.js';
import { readingChain, type ChainContext, type ReadingChainSpec } from './reading-chain.js';
import { deadLetterItem, type ResultItem } from './result-item.js';

/** A pipeline for one shard's records: source records in, result items out. */
export type ShardPipeline = OperatorFunction<SourceRecord, ResultItem>;

/**
 * A pipeline of decoded documents that are not readings (e.g. MTConnect), picked before
 * `validate`. Its chain must keep what it holds between barriers in `context.state`.
 */
export interface DocumentSpec {
  /** Pipeline name, written on its items (`machines`). */
  readonly name: string;
  /** True for the parsed JSON values this pipeline takes. */
  accepts(value: unknown): boolean;
  /** Its chain on one shard. */
  chain(context: ChainContext): OperatorFunction<Traced<unknown>, ResultItem>;
}

/**
 * Builds the per-shard pipeline for `specs` (one per reading kind).
 *
 * @example `records$.pipe(createPipeline([deviceSpec()], { state: new KeyedStateBackend() }))`
 */
export function createPipeline(
  specs: readonly ReadingChainSpec[],
  context: ChainContext,
  documents: readonly DocumentSpec[] = [],
): ShardPipeline {
  const kinds = new Set(specs.map((s) => s.kind));
  if (kinds.size !== specs.length)
    throw new ConfigError('specs', 'createPipeline takes one spec per reading kind');
  const front = 'front';
  const readings: OperatorFunction<Flow<unknown>, ResultItem> = (parsed$) =>
    parsed$.pipe(
      validate(),
      connect((flow$: Observable<Flow<Reading>>) => {
        const dead$ = flow$.pipe(
          filter((e): e is DeadLetter => isDeadLetter(e)),
          map((d) => deadLetterItem(front, d)),
        );
        const readings$ = flow$.pipe(filter((e): e is Traced<Reading> => !isDeadLetter(e)));
        const chains = specs.map((spec) =>
          readings$.pipe(
            filter((t) => t.value.kind === spec.kind),
            readingChain(spec, context),
          ),
        );
        return merge(dead$, ...chains);
      }),
    );
  if (documents.length === 0) return (records$) => records$.pipe(decode(), readings);
  const docOf = (e: Flow<unknown>) =>
    isDeadLetter(e) ? undefined : documents.find((d) => d.accepts(e.value));
  return (records$) =>
    records$.pipe(
      decode(),
      connect((parsed$: Observable<Flow<unknown>>) =>
        merge(
          parsed$.pipe(
            filter((e) => docOf(e) === undefined),
            readings,
          ),
          ...documents.map((d) =>
            parsed$.pipe(
              filter((e): e is Traced<unknown> => docOf(e) === d),
              d.chain(context),
            ),
          ),
        ),
      ),
    );
}
