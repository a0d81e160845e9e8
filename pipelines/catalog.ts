/**
 * @module pipelines/catalog
 * The pipeline catalog: pipelines by name, so the runtime knows no specific pipeline and a
 * user's own pipeline runs exactly like the shipped ones (`flow.pipeline('my-alerts')`).
 * An entry builds, from the options, the reading chains ({@link ReadingChainSpec}) and the
 * document pipelines ({@link DocumentSpec}) a worker runs. {@link shippedCatalog} holds
 * `devices`, `households`, `both` (the two) and `machines` (MTConnect; needs a mapping).
 */
import { ConfigError } from '../core/index.js';
import { deviceSpec, type DevicePipelineOptions } from './devices/index.js';
import { householdSpec, type HouseholdPipelineOptions } from './households/index.js';
import { machineDocumentSpec, type MachinePipelineOptions } from './machines/index.js';
import type { DocumentSpec, ReadingChainSpec } from './runtime/index.js';

/** What a worker runs: reading chains (by reading kind) and document pipelines. */
export interface PipelineSpecs {
  readonly readings: readonly ReadingChainSpec[];
  readonly documents: readonly DocumentSpec[];
}

/**
 * Options of the pipelines, by pipeline name: the shipped ones typed, a custom entry reads
 * its own (e.g. `options['my-alerts']`).
 */
export interface PipelineOptions {
  readonly devices?: DevicePipelineOptions;
  readonly households?: HouseholdPipelineOptions;
  readonly machines?: MachinePipelineOptions;
  readonly [name: string]: unknown;
}

/** Builds one named pipeline's specs from the options. */
export type PipelineFactory = (options: PipelineOptions) => Partial<PipelineSpecs>;

const NAME = /^[a-z][a-z0-9-]*$/;

/**
 * A registry of pipelines by name.
 *
 * @example
 * ```ts
 * const catalog = shippedCatalog().register('lab', () => ({ readings: [deviceSpec({ horizons: [5] })] }));
 * const worker = await new Shardflow().pipeline('lab', { catalog });
 * ```
 */
export class PipelineCatalog {
  readonly #entries = new Map<string, PipelineFactory>();

  /** Adds a pipeline; a taken or malformed name (lower case, digits, dashes) is a `ConfigError`. */
  register(name: string, factory: PipelineFactory): this {
    if (!NAME.test(name))
      throw new ConfigError('pipeline', `name must match ${String(NAME)}, got "${name}"`);
    if (this.#entries.has(name))
      throw new ConfigError('pipeline', `"${name}" is already registered`);
    this.#entries.set(name, factory);
    return this;
  }

  /** The factory of `name`; an unknown name is a `ConfigError` listing the known ones. */
  lookup(name: string): PipelineFactory {
    const factory = this.#entries.get(name);
    if (factory === undefined)
      throw new ConfigError(
        'pipeline',
        `unknown pipeline "${name}"; registered: ${this.names().join(', ')}`,
      );
    return factory;
  }

  /** Registered names, sorted. */
  names(): string[] {
    return [...this.#entries.keys()].sort();
  }

  /**
   * The specs of one or several pipelines (a list, or names separated by commas), in order.
   * @example `shippedCatalog().specsFor('both', { households: { horizons: [15] } })`
   */
  specsFor(names: string | readonly string[], options: PipelineOptions = {}): PipelineSpecs {
    const list = typeof names === 'string' ? names.split(',').map((n) => n.trim()) : names;
    if (list.length === 0) throw new ConfigError('pipeline', 'name at least one pipeline');
    const readings: ReadingChainSpec[] = [];
    const documents: DocumentSpec[] = [];
    for (const name of list) {
      const specs = this.lookup(name)(options);
      readings.push(...(specs.readings ?? []));
      documents.push(...(specs.documents ?? []));
    }
    return { readings, documents };
  }
}

/**
 * A catalog with the shipped pipelines: `devices`, `households`, `both` and `machines`
 * (which needs `options.machines.mapping`). Each call returns a new catalog to extend.
 */
export function shippedCatalog(): PipelineCatalog {
  return new PipelineCatalog()
    .register('devices', (o) => ({ readings: [deviceSpec(o.devices)] }))
    .register('households', (o) => ({ readings: [householdSpec(o.households)] }))
    .register('both', (o) => ({ readings: [deviceSpec(o.devices), householdSpec(o.households)] }))
    .register('machines', (o) => {
      if (o.machines === undefined)
        throw new ConfigError(
          'machines.mapping',
          'the machines pipeline needs an MTConnect mapping',
        );
      return { documents: [machineDocumentSpec(o.machines)] };
    });
}
