/**
 * @module pipelines/runtime/pipeline
 * The front half shared by every pipeline on one shard: decode → validate, then routing by
 * reading kind to each configured {@link readingChain} (devices, households or both on one
 * stream). Dead letters of the front and readings of a kind no chain takes become items of
 * their own (the skipped ones without outputs), so every source record ends up in exactly
 * one item's claims and no position can be acknowledged by one branch while another still
 * works on it.
 */
import { connect, filter, map, merge, type Observable, type OperatorFunction } from 'rxjs';
import { type DeadLetter, type Reading, type SourceRecord, type Traced } from '../../core/index.js';
import { decode, isDeadLetter, validate, type Flow } from '../../operators/index.js';
import { Claim } from './ack-ledger.js';
import { readingChain, type ChainContext, type ReadingChainSpec } from './reading-chain.js';
import { deadLetterItem, NO_OUTPUTS, type ResultItem } from './result-item.js';

/** A pipeline for one shard's records: source records in, result items out. */
export type ShardPipeline = OperatorFunction<SourceRecord, ResultItem>;

/**
 * Builds the per-shard pipeline for `specs` (one per reading kind).
 *
 * @example `records$.pipe(createPipeline([deviceSpec()], { ledger, scheduler }))`
 */
export function createPipeline(
  specs: readonly ReadingChainSpec[],
  context: ChainContext,
): ShardPipeline {
  const { ledger } = context;
  const kinds = new Set(specs.map((s) => s.kind));
  if (kinds.size !== specs.length) throw new Error('createPipeline: one spec per reading kind');
  const front = 'front';
  return (records$) =>
    records$.pipe(
      decode(),
      validate(),
      connect((flow$: Observable<Flow<Reading>>) => {
        const dead$ = flow$.pipe(
          filter((e): e is DeadLetter => isDeadLetter(e)),
          map((d) => deadLetterItem(ledger, front, d)),
        );
        const readings$ = flow$.pipe(filter((e): e is Traced<Reading> => !isDeadLetter(e)));
        const skipped$ = readings$.pipe(
          filter((t) => !kinds.has(t.value.kind)),
          map((t): ResultItem => {
            const claim = new Claim(t.positions);
            ledger.hold([claim]);
            ledger.close([claim]);
            return { pipeline: front, outputs: NO_OUTPUTS, holds: [claim] };
          }),
        );
        const chains = specs.map((spec) =>
          readings$.pipe(
            filter((t) => t.value.kind === spec.kind),
            readingChain(spec, context),
          ),
        );
        return merge(dead$, skipped$, ...chains);
      }),
    );
}
