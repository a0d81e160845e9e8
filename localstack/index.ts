/**
 * @module localstack
 * The embedded local cloud (emulators as owned child processes, resources bootstrapped)
 * and the resource bootstrap shared with the LocalStack set-up.
 */
export { startLocalCloud, exportLines } from './local-cloud.js';
export type { LocalCloud, LocalCloudOptions } from './local-cloud.js';
export { bootstrapResources, waitStreamActive, withoutRawArchive } from './bootstrap.js';
export type { BootstrapReport, BootstrapOptions } from './bootstrap.js';
export { PortInUseError, freePort, isListening } from './ports.js';
export { DEFAULT_EMULATORS, LOCAL_CREDENTIALS } from './emulators.js';
export type { EmulatorDefinition, RunningEmulator, EmulatorContext } from './emulators.js';
export { startProcess, waitHealthy } from './emulator-process.js';
export { spawnGuarded } from './guarded-spawn.js';
export type { GuardedScript } from './guarded-spawn.js';
export type { EmulatorProcess, ProcessSpec } from './emulator-process.js';
export { flushFirehose, firehoseStats } from './firehose/admin.js';
export type { FirehoseStreamStats } from './firehose/admin.js';
