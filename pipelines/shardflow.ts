/**
 * @module pipelines/shardflow
 * The one entry point, in the style of KafkaJS's `new Kafka(config).consumer()`: a
 * {@link Shardflow} holds one validated configuration and one set of AWS clients, and builds
 * the producer, the consumer (RxJS or a plain worker) and the pipeline workers from them — the
 * configuration → options wiring lives here once instead of in every command.
 */
import { createAwsClients, type AwsClientOptions, type AwsClients } from '../adapters/index.js';
import {
  consume,
  startWorker,
  type ConsumeOptions,
  type Consumer,
  type Worker,
  type WorkerOptions,
} from '../consumers/index.js';
import { loadConfig, type Config, type ConfigFlags } from '../core/index.js';
import { KinesisProducer, sdkWriter, type KinesisProducerOptions } from '../producers/index.js';
import { shippedCatalog, type PipelineCatalog, type PipelineOptions } from './catalog.js';
import {
  createResultSinks,
  startPipelineWorker,
  type PipelineWorker,
  type PipelineWorkerOptions,
} from './runtime/index.js';
import { createS3SnapshotStore } from './state/index.js';

/** How a {@link Shardflow} reaches AWS (or the local cloud). */
export interface ShardflowOptions {
  /** Environment the configuration is read from; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Clients to use instead of creating them (they are then not destroyed by `close()`). */
  readonly clients?: AwsClients;
  /** Options of the clients created from the configuration. */
  readonly clientOptions?: AwsClientOptions;
}

/** Producer options; the writer (the configured stream) is supplied. */
export type ShardflowProducerOptions = Omit<KinesisProducerOptions, 'writer'> & {
  /** Stream to write to; default the configured stream. */
  readonly streamName?: string;
};

/** Consumer options; clients, stream, lease table, worker id and failover come from the configuration. */
export type ShardflowConsumerOptions = Partial<Omit<ConsumeOptions, 'kinesis' | 'dynamodb'>>;

/** Options of a plain worker: the batch handler plus any consumer option. */
export type ShardflowWorkerOptions = ShardflowConsumerOptions &
  Partial<Omit<WorkerOptions, 'kinesis' | 'dynamodb' | 'handler'>>;

/** What a {@link Shardflow} supplies to a pipeline worker from its configuration. */
type Supplied =
  'streamName' | 'leaseTableName' | 'workerId' | 'sinks' | 'httpPort' | 'drainDeadlineMs' | 'store';

/**
 * Options of a pipeline worker beyond the configuration: anything the worker takes, the
 * configured values being defaults (sinks: the configured tables and delivery streams;
 * state snapshots: the configured bucket), the catalog the pipelines are looked up in
 * (default {@link shippedCatalog}) and the pipelines' options by name (`devices`,
 * `households`, `machines`, or a custom entry's).
 */
export type ShardflowPipelineOptions = Omit<
  PipelineWorkerOptions,
  Supplied | 'kinesis' | 'dynamodb' | 'readings' | 'documents'
> &
  Partial<Pick<PipelineWorkerOptions, Supplied>> &
  PipelineOptions & {
    readonly catalog?: PipelineCatalog;
  };

/**
 * The framework's front door: one configuration, one set of AWS clients, and from them a
 * producer, a consumer, a plain worker or a pipeline worker.
 *
 * @example
 * ```ts
 * const flow = new Shardflow({ app: 'demo' });     // environment + overrides, validated
 * const producer = flow.producer();
 * await producer.put({ partitionKey: 'dev-1', data: JSON.stringify(reading) });
 * const worker = await flow.pipeline('devices');   // results to the configured sinks
 * ```
 */
export class Shardflow {
  /** The validated configuration everything is built from. */
  readonly config: Config;
  #clients: AwsClients | undefined;
  readonly #ownsClients: boolean;
  readonly #clientOptions: AwsClientOptions;

  /**
   * @param config a validated configuration (`loadConfig`), or overrides of the environment's
   *   (`{ streamName: 'x' }`, validated here; a bad value throws `ConfigError`).
   */
  constructor(config: Config | ConfigFlags = {}, options: ShardflowOptions = {}) {
    this.config = isConfig(config) ? config : loadConfig(options.env ?? process.env, config);
    this.#clients = options.clients;
    this.#ownsClients = options.clients === undefined;
    this.#clientOptions = options.clientOptions ?? {};
  }

  /** The AWS SDK clients (created on first use from the configuration). */
  get aws(): AwsClients {
    this.#clients ??= createAwsClients(this.config, this.#clientOptions);
    return this.#clients;
  }

  /**
   * A KPL-grade producer writing to the configured stream.
   * @example `await flow.producer().put({ partitionKey: 'dev-1', data: '{}' })`
   */
  producer(options: ShardflowProducerOptions = {}): KinesisProducer {
    const { streamName = this.config.streamName, ...rest } = options;
    return new KinesisProducer({ ...rest, writer: sdkWriter(this.aws.kinesis, streamName) });
  }

  /**
   * The RxJS consumer of the configured stream (leases in the configured table).
   * @example `flow.consumer().batches.subscribe(...)`
   */
  consumer(options: ShardflowConsumerOptions = {}): Consumer {
    return consume(this.consumeOptions(options));
  }

  /**
   * A plain worker: `handler` gets each shard batch, which is acknowledged when it resolves;
   * `/healthz` and `/metrics` on the configured port.
   * @example `await flow.worker(async (batch) => save(batch.records))`
   */
  worker(handler: WorkerOptions['handler'], options: ShardflowWorkerOptions = {}): Promise<Worker> {
    return startWorker({
      httpPort: this.config.httpPort,
      drainDeadlineMs: this.config.drainDeadlineSeconds * 1000,
      ...this.consumeOptions(options),
      handler,
    });
  }

  /**
   * A pipeline worker running the named pipelines of the catalog (default: the shipped
   * `devices`, `households`, `both`, `machines`; several as a list or `a,b`), with results in
   * the configured tables and delivery streams and keyed-state snapshots in the configured
   * bucket. A bad or unknown name is a `ConfigError` naming the registered ones.
   * @example `const worker = await flow.pipeline('both'); await worker.stopped`
   * @example `await flow.pipeline('lab', { catalog: shippedCatalog().register('lab', labSpecs) })`
   */
  pipeline(
    pipelines: string | readonly string[],
    options: ShardflowPipelineOptions = {},
  ): Promise<PipelineWorker> {
    const { config } = this;
    const {
      catalog = shippedCatalog(),
      devices: _d,
      households: _h,
      machines: _m,
      ...rest
    } = options;
    const specs = catalog.specsFor(pipelines, options);
    const name = typeof pipelines === 'string' ? pipelines : pipelines.join(',');
    return startPipelineWorker({
      httpPort: config.httpPort,
      drainDeadlineMs: config.drainDeadlineSeconds * 1000,
      // keyed-state snapshots, one object per shard checkpoint, next to the lake
      store: createS3SnapshotStore({ s3: this.aws.s3, bucket: config.bucketName }),
      sinks: (consumer) =>
        createResultSinks({
          aws: this.aws,
          config,
          pipeline: name,
          resolvePosition: (shardId, ordinal) => consumer.positionOf(shardId, ordinal),
        }),
      ...this.consumeOptions(rest),
      readings: specs.readings,
      documents: specs.documents,
    });
  }

  /** Destroys the clients this instance created (not ones passed in). */
  close(): void {
    if (this.#ownsClients) this.#clients?.destroy();
    this.#clients = undefined;
  }

  private consumeOptions<O extends ShardflowConsumerOptions>(options: O): O & ConsumeOptions {
    const { config } = this;
    return {
      streamName: config.streamName,
      leaseTableName: config.leaseTableName,
      workerId: config.workerId,
      failoverTimeMs: config.failoverTimeMs,
      ...options,
      kinesis: this.aws.kinesis,
      dynamodb: this.aws.dynamodb,
    };
  }
}

function isConfig(value: Config | ConfigFlags): value is Config {
  return typeof value === 'object' && value !== null && 'endpoints' in value;
}
