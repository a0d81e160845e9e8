/**
 * @module deploy/settings
 * The typed settings of one deployment environment (`dev`, `prod`, …), read from the CDK
 * context (`deploy/cdk.json` → `shardflow:environments.<env>`, overridable with `-c`).
 * Resource names never live here: they come from `loadConfig` (core/config) fed with the
 * environment's `config` flags, so the stack, the worker's environment and the local cloud
 * all derive them from the same function. Invalid settings fail at synth time with a
 * {@link ConfigError} naming the field — before anything reaches CloudFormation.
 */
import { z } from 'zod';
import { ConfigError, ENV_VARS, loadConfig, type Config, type ConfigFlags } from '../core/index.js';

/** Retention periods CloudWatch Logs accepts, in days. */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
];

/** Longest stop timeout ECS allows for a Fargate container, in seconds. */
export const FARGATE_MAX_STOP_TIMEOUT_SECONDS = 120;
/** Seconds ECS waits beyond the worker's drain deadline before it sends SIGKILL. */
export const STOP_TIMEOUT_MARGIN_SECONDS = 15;

const image = z.union([
  z.literal('asset'),
  z.string().regex(/^[\w.-]+(?::\d+)?\/[\w./-]+[:@][\w.:-]+$/),
]);
const endpointSchema = (images: [string, ...string[]]) =>
  z.object({
    /** `builtin` = SageMaker's Random Cut Forest image; `project` = our model server; `none`. */
    image: z.enum(images),
    /** `s3://bucket/key/model.tar.gz`; required for `builtin`, optional for `project`. */
    modelDataUrl: z
      .string()
      .regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/.+\.tar\.gz$/)
      .optional(),
    instanceType: z
      .string()
      .regex(/^ml\.[a-z0-9]+\.[a-z0-9]+$/)
      .default('ml.t2.medium'),
    instanceCount: z.number().int().min(1).max(10).default(1),
  });

/** Schema of one environment's settings in the CDK context. */
export const environmentSchema = z.object({
  /** Explicit account; default: the CLI's (`CDK_DEFAULT_ACCOUNT`), or environment-agnostic. */
  account: z
    .string()
    .regex(/^\d{12}$/)
    .optional(),
  /** Region; default: the CLI's (`CDK_DEFAULT_REGION`), else `us-east-1`. */
  region: z.string().optional(),
  /** Flags for `loadConfig`: app name, shard count, drain deadline, name overrides, … */
  config: z.record(z.string(), z.union([z.string(), z.number()])).default({}),
  stream: z
    .object({
      mode: z.enum(['provisioned', 'on-demand']).default('provisioned'),
      retentionHours: z.number().int().min(24).max(8760).default(24),
    })
    .prefault({}),
  worker: z
    .object({
      /** `asset` builds `deploy/docker/worker.Dockerfile` at deploy time; or an image URI. */
      image: image.default('asset'),
      cpu: z
        .union([z.literal(256), z.literal(512), z.literal(1024), z.literal(2048), z.literal(4096)])
        .default(256),
      memoryMiB: z.number().int().min(512).max(30720).default(512),
      minTasks: z.number().int().min(1).default(1),
      maxTasks: z.number().int().min(1).default(2),
      /** Scale out by one task when the stream's iterator age exceeds this (ms). */
      scaleOutIteratorAgeMs: z.number().int().min(1000).default(60_000),
      /** Scale in by one task when the iterator age stays below this (ms). */
      scaleInIteratorAgeMs: z.number().int().min(0).default(5_000),
      cpuTargetPercent: z.number().min(10).max(95).default(70),
      /**
       * `public`: public subnets, a public IP per task, no NAT (cheapest). `private`: isolated
       * subnets without any route to the internet; the AWS APIs the worker uses are reached
       * through VPC endpoints (interface endpoints cost ~$7/month each per AZ).
       */
      subnets: z.enum(['public', 'private']).default('public'),
      logRetentionDays: z
        .number()
        .refine((d) => LOG_RETENTION_DAYS.includes(d), 'is not a CloudWatch Logs retention')
        .default(30),
    })
    .prefault({}),
  inference: z
    .object({
      modelServerImage: image.default('asset'),
      rcf: endpointSchema(['builtin', 'project', 'none']).prefault({ image: 'none' }),
      forecast: endpointSchema(['project', 'none']).prefault({ image: 'none' }),
    })
    .prefault({}),
  lake: z
    .object({
      infrequentAccessAfterDays: z.number().int().min(30).default(30),
      /** Must be at least 30 days after the Standard-IA transition (S3's minimum stay). */
      glacierAfterDays: z.number().int().min(90).default(180),
      deadLetterExpiryDays: z.number().int().min(1).default(90),
    })
    .prefault({}),
  alarms: z
    .object({
      iteratorAgeMs: z.number().int().min(1000).default(300_000),
      /** Dead letters per 5 minutes above which the alarm fires. */
      deadLettersPer5Min: z.number().int().min(0).default(100),
      /** SageMaker 4xx + 5xx invocation errors per 5 minutes above which the alarm fires. */
      endpointErrorsPer5Min: z.number().int().min(0).default(5),
      /** Address subscribed to the alarm topic (confirmation mail), if any. */
      email: z.string().email().optional(),
    })
    .prefault({}),
  /** Keep stream, tables, key and logs when the stack is deleted (always true for the bucket). */
  retainData: z.boolean().default(true),
});

/** One environment's settings as written in the context. */
export type EnvironmentInput = z.input<typeof environmentSchema>;
type Environment = z.infer<typeof environmentSchema>;

/** The resolved settings of one deployment. */
export interface DeploySettings extends Omit<Environment, 'config' | 'region' | 'account'> {
  /** Environment name, e.g. `dev`. */
  readonly envName: string;
  /** CloudFormation stack name (the application name). */
  readonly stackName: string;
  readonly region: string;
  readonly account: string | undefined;
  /** The configuration the worker reads: names, shard count, drain deadline, … */
  readonly config: Config;
  /** The container stop timeout: drain deadline + margin, within Fargate's limit. */
  readonly stopTimeoutSeconds: number;
}

/** Reads a context value (`node.tryGetContext`) — injected so tests need no App. */
export type ContextReader = (key: string) => unknown;

/**
 * Context keys: the environment name, the environment table, and two top-level overrides
 * (`-c workerImage=<uri>`, `-c modelServerImage=<uri>`) to roll out a prebuilt image.
 */
export const CONTEXT_KEYS = {
  env: 'env',
  environments: 'shardflow:environments',
  workerImage: 'workerImage',
  modelServerImage: 'modelServerImage',
} as const;

function withImageOverrides(raw: unknown, context: ContextReader): unknown {
  const worker = context(CONTEXT_KEYS.workerImage);
  const modelServer = context(CONTEXT_KEYS.modelServerImage);
  if (
    typeof raw !== 'object' ||
    raw === null ||
    (worker === undefined && modelServer === undefined)
  )
    return raw;
  const env = raw as Record<string, Record<string, unknown> | undefined>;
  return {
    ...env,
    ...(worker === undefined ? {} : { worker: { ...env.worker, image: worker } }),
    ...(modelServer === undefined
      ? {}
      : { inference: { ...env.inference, modelServerImage: modelServer } }),
  };
}

/**
 * Resolves the settings of the environment selected by `-c env=<name>` (default `dev`).
 * `defaults` carries the CLI's account and region (`CDK_DEFAULT_*`), which an
 * environment's own `account`/`region` override.
 *
 * @example
 * const settings = settingsFrom((k) => app.node.tryGetContext(k), { region: 'eu-west-1' });
 */
export function settingsFrom(
  context: ContextReader,
  defaults: { readonly account?: string; readonly region?: string } = {},
): DeploySettings {
  const envName = String(context(CONTEXT_KEYS.env) ?? 'dev');
  const table = context(CONTEXT_KEYS.environments);
  const raw =
    table && typeof table === 'object' ? (table as Record<string, unknown>)[envName] : undefined;
  if (raw === undefined) {
    const known = table && typeof table === 'object' ? Object.keys(table).join(', ') : 'none';
    throw new ConfigError(
      'env',
      `unknown environment ${JSON.stringify(envName)} (known: ${known})`,
    );
  }
  const parsed = environmentSchema.safeParse(withImageOverrides(raw, context));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = [CONTEXT_KEYS.environments, envName, ...(issue?.path.map(String) ?? [])];
    throw new ConfigError(path.join('.'), issue?.message ?? 'invalid');
  }
  const { config: flags, region: ownRegion, account: ownAccount, ...rest } = parsed.data;
  const region = ownRegion ?? defaults.region ?? 'us-east-1';
  const config = loadConfig({ AWS_REGION: region }, flags as ConfigFlags);
  const stopTimeoutSeconds = config.drainDeadlineSeconds + STOP_TIMEOUT_MARGIN_SECONDS;
  if (stopTimeoutSeconds > FARGATE_MAX_STOP_TIMEOUT_SECONDS) {
    throw new ConfigError(
      'drainDeadlineSeconds',
      `${config.drainDeadlineSeconds} s + ${STOP_TIMEOUT_MARGIN_SECONDS} s margin exceeds Fargate's ` +
        `${FARGATE_MAX_STOP_TIMEOUT_SECONDS} s stop timeout`,
    );
  }
  if (rest.worker.minTasks > rest.worker.maxTasks) {
    throw new ConfigError('worker.minTasks', 'must not exceed worker.maxTasks');
  }
  if (rest.stream.mode === 'provisioned' && rest.worker.maxTasks > config.shardCount) {
    throw new ConfigError(
      'worker.maxTasks',
      `${rest.worker.maxTasks} workers for ${config.shardCount} shards: the extra ones would hold no lease`,
    );
  }
  if (rest.worker.scaleInIteratorAgeMs >= rest.worker.scaleOutIteratorAgeMs) {
    throw new ConfigError('worker.scaleInIteratorAgeMs', 'must be below scaleOutIteratorAgeMs');
  }
  if (rest.lake.glacierAfterDays < rest.lake.infrequentAccessAfterDays + 30) {
    throw new ConfigError('lake.glacierAfterDays', 'must be ≥ infrequentAccessAfterDays + 30');
  }
  if (
    rest.worker.subnets === 'private' &&
    rest.worker.image !== 'asset' &&
    !/^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\//.test(rest.worker.image)
  ) {
    throw new ConfigError(
      'worker.image',
      'private subnets reach only ECR (through VPC endpoints): use an ECR image or `asset`',
    );
  }
  if (rest.inference.rcf.image === 'builtin' && !rest.inference.rcf.modelDataUrl) {
    throw new ConfigError(
      'inference.rcf.modelDataUrl',
      'the built-in Random Cut Forest image needs a trained model artefact (s3://…/model.tar.gz)',
    );
  }
  return {
    ...rest,
    envName,
    stackName: config.app,
    region,
    account: ownAccount ?? defaults.account,
    config,
    stopTimeoutSeconds,
  };
}

/**
 * The worker container's environment: every configuration field the worker reads with
 * `loadConfig(process.env)`, so its names are exactly the deployed ones. `workerId` is
 * not among them: the container command sets one per task start (`workerShellCommand`).
 * An endpoint's variable is set only when the stack deploys that endpoint (`endpoints`,
 * by purpose), so the worker's environment never names an endpoint that does not exist.
 */
export function workerEnvironment(
  config: Config,
  endpoints: { readonly rcf: boolean; readonly forecast: boolean },
): Record<string, string> {
  const skip = new Set<keyof typeof ENV_VARS>(['workerId']);
  if (!endpoints.rcf) skip.add('rcfEndpointName');
  if (!endpoints.forecast) skip.add('forecastEndpointName');
  const env: Record<string, string> = {};
  for (const [field, variable] of Object.entries(ENV_VARS) as [keyof typeof ENV_VARS, string][]) {
    if (!skip.has(field)) env[variable] = String(config[field]);
  }
  return env;
}

/** Which endpoints an environment deploys, by purpose. */
export function deployedEndpoints(settings: Pick<DeploySettings, 'inference'>): {
  readonly rcf: boolean;
  readonly forecast: boolean;
} {
  return {
    rcf: settings.inference.rcf.image !== 'none',
    forecast: settings.inference.forecast.image !== 'none',
  };
}
