/**
 * @module cli/commands/consume-pipeline
 * `shardflow consume --pipeline devices|households|both|machines`: the consumer worker running
 * the pipelines instead of writing raw records (`machines` reads `--mapping`; households forecast
 * on the forecast endpoint in `--forecast-format` when given). Results go to the
 * anomalies and predictions tables and the results Firehose, dead letters to the dead-letter
 * Firehose; positions are acked by the pipeline's ack join (pipelines/README.md). Forecasters
 * are the artefacts under `--models` (a folder, or `s3://bucket/prefix` where the weekly
 * retraining writes) when present, else the pipelines' baselines; a retrained artefact is
 * picked up without a restart. The devices' IAQ forecaster is the shipped indoor shape model
 * (`forecast-indoor-temperature`: level-free, so it carries over to other smooth indoor
 * series). Both pipelines select their forecast per key and horizon among persistence, their
 * forecaster, the 5- and 15-minute moving averages and the damped trend (the pipelines' default,
 * `forecastSelection`; each prediction names its model).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../../adapters/index.js';
import type { Config } from '../../core/index.js';
import { logCoordinatorEvent, type ConsumeOptions } from '../../consumers/index.js';
import { sageMakerInvoke } from '../../model-server/index.js';
import { parseMtMapping } from '../../operators/index.js';
import {
  Shardflow,
  fileModelSource,
  loadForecaster,
  reloadingForecaster,
  s3ModelSource,
} from '../../pipelines/index.js';
import { untilDrained } from './drain.js';

/** The models shipped with shardflow (and in its images). */
const SHIPPED_MODELS = 'model-server/models';
/** The devices' IAQ forecaster among them (see {@link consumePipeline}). */
const INDOOR_MODEL = 'forecast-indoor-temperature/model.json';

/** What the `consume` command passes on. */
export interface ConsumePipelineOptions {
  readonly config: Config;
  readonly pipeline: string;
  /** Score households on the SageMaker RCF endpoint (`config.rcfEndpointName`). */
  readonly remoteRcf?: boolean;
  /** Directory of shipped models; default `model-server/models`. */
  readonly models?: string;
  /** MTConnect mapping file (JSON) for the `machines` pipeline. */
  readonly mapping?: string;
  /** Forecast households on `config.forecastEndpointName` in this format; default in process. */
  readonly forecastFormat?: 'shardflow' | 'deepar';
  readonly consume: Pick<
    ConsumeOptions,
    'initialPosition' | 'retrieval' | 'maxLeasesForWorker' | 'failoverTimeMs'
  >;
}

/** Runs a pipeline worker until SIGTERM/SIGINT (graceful) and resolves when it stopped. */
export async function consumePipeline(options: ConsumePipelineOptions): Promise<void> {
  const { config, models = SHIPPED_MODELS } = options;
  const logger = createLogger(config.logLevel, 'pipeline');
  // stream, lease table, worker id, sinks, snapshot store, port and drain come from the config
  const flow = new Shardflow(config);
  const s3 = /^s3:\/\/([^/]+)\/?(.*?)\/?$/.exec(models);
  const name = 'forecast-household-power/model.json';
  // from S3 (where the weekly retraining writes): the shipped model until one is trained
  const shipped = s3 ? loadForecaster(join(SHIPPED_MODELS, name)) : undefined;
  const household = await reloadingForecaster(
    s3
      ? s3ModelSource(flow.aws.s3, s3[1] as string, s3[2] ? `${s3[2]}/${name}` : name)
      : fileModelSource(join(models, name)),
    {
      onReload: (model, source) => logger.info({ source, kind: model.kind }, 'model reloaded'),
      onError: (err, source) => logger.warn({ err, source }, 'model not reloaded'),
      ...(shipped ? { fallback: shipped } : {}),
    },
  );
  // level-free linear AR of indoor temperature: a shape model, no unit (its intercept is
  // ≤ 0.0006), so a candidate for IAQ too; the retraining writes household models only
  const indoor = loadForecaster(join(s3 ? SHIPPED_MODELS : models, INDOOR_MODEL));
  const mapping = options.mapping
    ? parseMtMapping(JSON.parse(readFileSync(options.mapping, 'utf8')) as unknown)
    : undefined;
  const worker = await flow.pipeline(options.pipeline, {
    ...options.consume,
    ...(mapping ? { machines: { mapping } } : {}),
    ...(indoor ? { devices: { forecaster: indoor } } : {}),
    households: {
      ...(household ? { forecaster: household } : {}),
      ...(options.forecastFormat
        ? {
            remoteForecast: {
              format: options.forecastFormat,
              invoke: sageMakerInvoke(flow.aws.sagemakerRuntime, {
                endpointName: config.forecastEndpointName,
              }),
            },
          }
        : {}),
      // the shipped `rcf` model scores 8-minute shingles of global active power
      ...(options.remoteRcf
        ? {
            features: ['globalActivePower'],
            shingleSize: 8,
            remote: {
              invoke: sageMakerInvoke(flow.aws.sagemakerRuntime, {
                endpointName: config.rcfEndpointName,
              }),
            },
          }
        : {}),
    },
    onEvent: (event) => {
      if (event.type === 'shard.error' || event.type === 'sync.failed')
        logger.error({ event }, event.type);
      else if (event.type === 'coordinator') {
        logCoordinatorEvent(logger, event.event);
      }
    },
    onPipelineEvent: (event) => {
      if (event.type === 'pipeline.error') logger.error({ err: event.error }, 'pipeline error');
      else if (event.type === 'batch.written' && event.report.failed.length > 0)
        logger.warn({ failed: event.report.failed.length }, 'items not durable');
      else if (event.type !== 'batch.written') logger.info(event, event.type);
    },
  });
  logger.info(
    { workerId: config.workerId, port: worker.port, pipeline: options.pipeline },
    'pipeline worker started',
  );
  await untilDrained(worker, flow, config.drainDeadlineSeconds);
  logger.info('pipeline worker stopped; leases released');
}
