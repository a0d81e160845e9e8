/**
 * @module localstack/emulator-definition
 * What an emulator of the local cloud is: how to start it and what a started one offers.
 * Its own module so the emulator list and the emulators defined in other files (Firehose,
 * model server) need not import each other.
 */
import type { AwsClients } from '../adapters/index.js';
import type { Endpoints } from '../core/index.js';
import type { EmulatorProcess } from './emulator-process.js';

/** Where an emulator writes its log and data. */
export interface EmulatorContext {
  readonly workDir: string;
  /** Requested port (else a free one is chosen). */
  readonly port?: number;
}

/** A started emulator: its endpoint URL and its process handle. */
export interface RunningEmulator {
  readonly service: keyof Endpoints;
  readonly endpoint: string;
  readonly process: EmulatorProcess;
  readonly logFile: string;
  /** Probes the emulator through the real SDK; resolves when it answers. */
  healthy(clients: AwsClients): Promise<unknown>;
}

/** Definition of one emulator of the local cloud. */
export interface EmulatorDefinition {
  readonly service: keyof Endpoints;
  start(context: EmulatorContext): Promise<RunningEmulator>;
}
