/**
 * @module deploy
 * The AWS CDK app of shardflow: one stack per environment, built from settings whose
 * resource names come from core's `resourcesFor(loadConfig(…))`. Nothing here runs in
 * the workers.
 */
export { buildApp } from './build-app.js';
export type { BuildAppOptions } from './build-app.js';
export { ShardflowStack } from './stack.js';
export type { ShardflowStackProps } from './stack.js';
export {
  settingsFrom,
  workerEnvironment,
  deployedEndpoints,
  environmentSchema,
  CONTEXT_KEYS,
  FARGATE_MAX_STOP_TIMEOUT_SECONDS,
  STOP_TIMEOUT_MARGIN_SECONDS,
} from './settings.js';
export type { DeploySettings, EnvironmentInput, ContextReader } from './settings.js';
export { builtinRcfImage, RCF_REGISTRY_ACCOUNTS } from './rcf-image.js';
export {
  workerStatements,
  workerShellCommand,
  workerCommand,
  interfaceEndpointServices,
  WORKER_COMMAND,
} from './worker-service.js';
export {
  ApiService,
  apiSettingsFrom,
  apiStatements,
  apiEnvironment,
  API_COMMAND,
} from './api-service.js';
export type { ApiSettings, ApiServiceProps } from './api-service.js';
export { lintDockerfile, parseDockerfile } from './dockerfile-lint.js';
export type { DockerInstruction, DockerfileProblem } from './dockerfile-lint.js';
