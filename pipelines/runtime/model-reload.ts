/**
 * @module pipelines/runtime/model-reload
 * A forecaster that follows its artefact: workers pick up a retrained model without a
 * restart, as the model server does. It delegates to the model last loaded from a
 * {@link ModelSource} (a local `model.json`, or an S3 object that `shardflow train --out
 * s3://…` writes) and, at most every `checkEveryMs` of the injected clock, asks the source
 * whether the artefact changed (file identity and time; S3 ETag) — in the background, never
 * delaying a forecast. A changed artefact that cannot be read, or that has other sizes than
 * the running model (the keyed state is sized for them), is refused and reported; the old
 * model keeps forecasting. With a `fallback` (e.g. the model shipped in the image) a source
 * that has no artefact yet — or cannot be reached at start — is followed from the fallback.
 */
import { readFileSync, statSync } from 'node:fs';
import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { isRetriableAwsError } from '../../adapters/index.js';
import { retry } from '../../core/index.js';
import { forecasterFromJson, type Forecaster } from '../../models/index.js';

/** Where a model artefact lives: its current version tag and its text. */
export interface ModelSource {
  /** A tag that changes when the artefact does; undefined while there is none. */
  version(): Promise<string | undefined>;
  read(): Promise<string>;
  /** For messages. */
  readonly name: string;
}

/** A local `model.json` (version: inode, size and modification time, as the model server). */
export function fileModelSource(file: string): ModelSource {
  return {
    name: file,
    version: () => {
      try {
        const st = statSync(file);
        return Promise.resolve(`${st.ino}:${st.size}:${st.mtimeMs}`);
      } catch {
        return Promise.resolve(undefined);
      }
    },
    read: () => Promise.resolve(readFileSync(file, 'utf8')),
  };
}

/** An S3 object (version: its ETag); a throttle or 5xx is retried (it is read at start-up). */
export function s3ModelSource(s3: S3Client, bucket: string, key: string): ModelSource {
  const again = { shouldRetry: isRetriableAwsError };
  return {
    name: `s3://${bucket}/${key}`,
    version: async () => {
      try {
        const head = () => s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return (await retry(head, again)).ETag;
      } catch (error) {
        // S3 answers a missing key with 404, or 403 to a caller without s3:ListBucket
        // (the workers may only read models/*)
        const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
        if (e.name === 'NotFound' || e.$metadata?.httpStatusCode === 403) return undefined;
        throw error;
      }
    },
    read: async () => {
      const read = async () => {
        const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return (await out.Body?.transformToString()) ?? '';
      };
      return retry(read, again);
    },
  };
}

/** Options of {@link reloadingForecaster}. */
export interface ReloadOptions {
  /** Least time between two checks of the source; default 60,000 ms. */
  readonly checkEveryMs?: number;
  /** Clock (ms); default `Date.now`. */
  readonly now?: () => number;
  readonly onReload?: (model: Forecaster, source: string) => void;
  readonly onError?: (error: unknown, source: string) => void;
  /** The model to forecast with until the source has an artefact. */
  readonly fallback?: Forecaster;
}

/** A reloading forecaster with a way to run one check now (tests, shutdown). */
export interface ReloadingForecaster extends Forecaster {
  /** Checks the source now; resolves once a changed model is in use (or refused). */
  check(): Promise<void>;
}

/**
 * Loads the model of `source` and returns a forecaster that follows it (see module doc);
 * undefined when the source has no artefact yet and there is no `fallback`.
 * @example `const f = await reloadingForecaster(fileModelSource('models/x/model.json'))`
 */
export async function reloadingForecaster(
  source: ModelSource,
  options: ReloadOptions = {},
): Promise<ReloadingForecaster | undefined> {
  const { checkEveryMs = 60_000, now = Date.now, onReload, onError, fallback } = options;
  let version: string | undefined;
  try {
    version = await source.version();
  } catch (error) {
    if (!fallback) throw error;
    onError?.(error, source.name);
  }
  if (version === undefined && !fallback) return undefined;
  let model =
    version === undefined
      ? (fallback as Forecaster)
      : forecasterFromJson(JSON.parse(await source.read()));
  const { inputLength, horizon } = model;
  let lastCheck = now();
  let running: Promise<void> | undefined;
  const check = (): Promise<void> => {
    running ??= (async () => {
      try {
        const next = await source.version();
        if (next === undefined || next === version) return;
        const candidate = forecasterFromJson(JSON.parse(await source.read()));
        version = next;
        if (candidate.inputLength !== inputLength || candidate.horizon !== horizon)
          throw new Error(
            `refused: sizes ${candidate.inputLength}→${candidate.horizon}, running ${inputLength}→${horizon}`,
          );
        model = candidate;
        onReload?.(model, source.name);
      } catch (error) {
        onError?.(error, source.name);
      } finally {
        running = undefined;
      }
    })();
    return running;
  };
  return {
    get kind() {
      return model.kind;
    },
    get covariates() {
      return model.covariates;
    },
    inputLength,
    horizon,
    predict(windows, contexts) {
      if (now() - lastCheck >= checkEveryMs) {
        lastCheck = now();
        void check();
      }
      return model.predict(windows, contexts);
    },
    toJSON: () => model.toJSON(),
    check,
  };
}
