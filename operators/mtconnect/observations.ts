/**
 * @module operators/mtconnect/observations
 * Decodes MTConnect Streams documents (the JSON an agent's `/current` or `/sample` answers)
 * into flat observations: device, component, data item id, category (`SAMPLE`, `EVENT`,
 * `CONDITION`), type, timestamp and value. Both JSON layouts of the reference agent are read:
 * version 1 (`"Samples": [{"Position": {…}}]`) and version 2 (`"Samples": {"Position": [{…}]}`),
 * with one or many `DeviceStream` / `ComponentStream`. `UNAVAILABLE` becomes `null`; numeric
 * text becomes a number; a condition's value is its level (`Normal`, `Warning`, `Fault`,
 * `Unavailable` → null). Pure; never throws: what cannot be read is a problem with its path.
 */

/** The three MTConnect data item categories. */
export type MtCategory = 'SAMPLE' | 'EVENT' | 'CONDITION';

/** One observation of one data item. */
export interface MtObservation {
  /** Device name (`DeviceStream.name`). */
  readonly device: string;
  readonly uuid?: string;
  /** Component name (falls back to its id, then its type). */
  readonly component: string;
  readonly dataItemId: string;
  /** The data item's name, when it has one. */
  readonly name?: string;
  /** Element name: `SpindleSpeed`, `Execution`, or for conditions the `type` (`TEMPERATURE`). */
  readonly type: string;
  readonly category: MtCategory;
  /** Epoch ms of `timestamp`. */
  readonly time: number;
  readonly sequence?: number;
  /** Number, text, or null for `UNAVAILABLE`. */
  readonly value: number | string | null;
}

/** Something of a document that could not be read. */
export interface MtProblem {
  readonly path: string;
  readonly detail: string;
}

/** Observations (by time, then sequence) and problems of one document. */
export interface MtDecoded {
  readonly observations: MtObservation[];
  readonly problems: MtProblem[];
}

const SECTIONS: Readonly<Record<string, MtCategory>> = {
  Samples: 'SAMPLE',
  Events: 'EVENT',
  Condition: 'CONDITION',
};

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const many = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const text = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;

/** Elements of a section in either layout, as `[element name, attributes]` pairs. */
function elements(section: unknown): [string, unknown][] {
  if (Array.isArray(section)) return section.flatMap((e) => (isObject(e) ? Object.entries(e) : []));
  if (!isObject(section)) return [];
  return Object.entries(section).flatMap(([k, v]) => many(v).map((x): [string, unknown] => [k, x]));
}

function valueOf(raw: unknown, category: MtCategory, element: string): number | string | null {
  if (category === 'CONDITION') return element === 'Unavailable' ? null : element;
  const v = isObject(raw) ? (raw.value ?? raw.Value) : raw;
  if (v === undefined || v === null || v === 'UNAVAILABLE') return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  const s = String(v).trim();
  const n = Number(s);
  return s !== '' && Number.isFinite(n) ? n : s;
}

/**
 * Flattens one MTConnect Streams document.
 *
 * @example
 * decodeMtconnect(JSON.parse(await readFile('current.json', 'utf8'))).observations[0]
 * // { device: 'VMC-3Axis', component: 'C', dataItemId: 'c2', type: 'SpindleSpeed', category: 'SAMPLE', … }
 */
export function decodeMtconnect(document: unknown): MtDecoded {
  const observations: MtObservation[] = [];
  const problems: MtProblem[] = [];
  const root = isObject(document) ? document.MTConnectStreams : undefined;
  if (!isObject(root)) {
    return { observations, problems: [{ path: '$', detail: 'not an MTConnectStreams document' }] };
  }
  const streams = isObject(root.Streams) ? root.Streams : {};
  many(streams.DeviceStream).forEach((ds, d) => {
    const dPath = `DeviceStream[${d}]`;
    if (!isObject(ds) || text(ds.name) === undefined) {
      problems.push({ path: dPath, detail: 'a DeviceStream needs a name' });
      return;
    }
    const device = text(ds.name)!;
    const uuid = text(ds.uuid);
    many(ds.ComponentStream).forEach((cs, c) => {
      const cPath = `${dPath}.ComponentStream[${c}]`;
      if (!isObject(cs)) return void problems.push({ path: cPath, detail: 'not an object' });
      const component = text(cs.name) ?? text(cs.componentId) ?? text(cs.component) ?? '?';
      for (const [section, category] of Object.entries(SECTIONS)) {
        elements(cs[section]).forEach(([element, raw], i) => {
          const path = `${cPath}.${section}.${element}[${i}]`;
          const attrs = isObject(raw) ? raw : {};
          const dataItemId = text(attrs.dataItemId);
          const time = Date.parse(text(attrs.timestamp) ?? '');
          if (dataItemId === undefined)
            return void problems.push({ path, detail: 'no dataItemId' });
          if (!Number.isFinite(time)) return void problems.push({ path, detail: 'bad timestamp' });
          const name = text(attrs.name);
          const sequence = Number(attrs.sequence);
          observations.push({
            device,
            ...(uuid !== undefined ? { uuid } : {}),
            component,
            dataItemId,
            ...(name !== undefined ? { name } : {}),
            type: category === 'CONDITION' ? (text(attrs.type) ?? element) : element,
            category,
            time,
            ...(Number.isFinite(sequence) ? { sequence } : {}),
            value: valueOf(raw, category, element),
          });
        });
      }
    });
  });
  observations.sort((a, b) => a.time - b.time || (a.sequence ?? 0) - (b.sequence ?? 0));
  return { observations, problems };
}
