/**
 * @module pipelines/machines/machine-stream
 * The machines pipeline on the stream: records whose JSON is an MTConnect Streams document
 * (`{"MTConnectStreams": …}`) are picked after decode, before reading validation
 * ({@link DocumentSpec}), flattened to observations and scored by {@link machinePipeline}.
 * Each scored minute becomes a result item: a score line (results Firehose → lake) and a
 * row in the readings table (`kind: 'machine'`, its columns, score and grade).
 * At-least-once across restarts: the observations not yet in an emitted minute are kept per
 * machine in keyed state (`machines.pending`) and replayed into the next session's chain,
 * as the reading chain does with its open windows; each machine's last known column values
 * are keyed state too (`machines.last`). The forest starts cold after a restore.
 * A document that yields no observation is a `schema` dead letter naming the first problem.
 * Partition key: the machine (one device per document) keeps a machine on one shard.
 */
import { concatMap, from, map, startWith, tap, type Observable } from 'rxjs';
import { deadLetter, PositionSet, traced, type Traced } from '../../core/index.js';
import {
  decodeMtconnect,
  deviceTypeOf,
  isDeadLetter,
  type Flow,
  type MtObservation,
} from '../../operators/index.js';
import { readingRowKey } from '../../sinks/index.js';
import type { DocumentSpec } from '../runtime/pipeline.js';
import { deadLetterItem, NO_OUTPUTS, type ResultItem } from '../runtime/result-item.js';
import {
  machinePipeline,
  type MachinePipelineOptions,
  type MachineScore,
} from './machine-pipeline.js';

/** True for a parsed MTConnect Streams document (the wire shape the machines pipeline takes). */
export function isMtconnectDocument(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'MTConnectStreams' in value;
}

const iso = (t: number) => new Date(t).toISOString();

/** The result item of one scored minute. */
function scoreItem(name: string, s: MachineScore): ResultItem {
  const windowStart = iso(s.time);
  return {
    pipeline: name,
    outputs: {
      ...NO_OUTPUTS,
      scores: [
        {
          id: `${s.device}#${windowStart}`,
          pipeline: name,
          key: s.device,
          deviceType: s.deviceType,
          windowStart,
          imputed: s.imputed,
          values: s.values,
          score: s.score,
          grade: s.grade,
          source: 'embedded',
        },
      ],
      readings: [
        {
          key: readingRowKey({ key: s.device, windowStart: s.time }),
          attributes: {
            kind: 'machine',
            values: s.values,
            imputed: s.imputed,
            score: s.score,
            grade: s.grade,
          },
        },
      ],
    },
  };
}

/**
 * The machines pipeline as a {@link DocumentSpec} for `createPipeline` / `startPipelineWorker`.
 * @example `startPipelineWorker({ …, documents: [machineDocumentSpec({ mapping })] })`
 */
export function machineDocumentSpec(
  options: MachinePipelineOptions & { readonly name?: string },
): DocumentSpec {
  const { name = 'machines', mapping } = options;
  const stepMs = options.stepMs ?? 60_000;
  const minute = (t: number) => t - (((t % stepMs) + stepMs) % stepMs);
  return {
    name,
    accepts: isMtconnectDocument,
    chain: ({ state }) => {
      const pending = state.register<MtObservation[]>(`${name}.pending`);
      const last = state.register<Record<string, number | null>>(`${name}.last`);
      const replay = [...pending.entries()]
        .flatMap(([, list]) => list)
        .sort((a, b) => a.time - b.time)
        .map((o) => traced(o, PositionSet.empty));
      for (const [key] of [...pending.entries()]) pending.delete(key);
      const consumed = (device: string, time: number) => {
        const list = pending.get(device);
        if (!list) return;
        const rest = list.filter((o) => minute(o.time) > time);
        if (rest.length === 0) pending.delete(device);
        else if (rest.length !== list.length) pending.set(device, rest);
      };
      const toObservations = concatMap((doc: Traced<unknown>): Observable<Flow<MtObservation>> => {
        const { observations, problems } = decodeMtconnect(doc.value);
        if (observations.length === 0) {
          const p = problems[0];
          const detail = p ? `${p.path}: ${p.detail}` : 'no observations';
          return from([
            deadLetter('schema', `MTConnect document: ${detail}`, doc.value, doc.positions),
          ]);
        }
        return from(observations.map((o) => traced(o, doc.positions)));
      });
      return (docs$) =>
        docs$.pipe(
          toObservations,
          startWith(...replay),
          tap((e) => {
            if (isDeadLetter(e) || !deviceTypeOf(mapping, e.value.device)) return;
            const list = pending.get(e.value.device);
            if (list) list.push(e.value);
            else pending.set(e.value.device, [e.value]);
          }),
          machinePipeline({ ...options, lastValues: last }),
          map((e) => {
            if (!isDeadLetter(e)) {
              consumed(e.value.device, e.value.time);
              return scoreItem(name, e.value);
            }
            const row = e.raw as { deviceId?: unknown; time?: unknown } | null;
            if (row && typeof row.deviceId === 'string' && typeof row.time === 'number')
              consumed(row.deviceId, row.time);
            return deadLetterItem(name, e);
          }),
        );
    },
  };
}
