/**
 * @module model-server
 * The SageMaker-compatible model server (container contract and runtime API path),
 * its model directory loader and its payload formats.
 */
export { createModelServer, executionParameters, MAX_PAYLOAD_BYTES } from './server.js';
export type { ModelServer, ModelServerOptions, ModelServerEvent, InjectedFault } from './server.js';
export { ModelStore, loadModel, DEFAULT_MODEL } from './model-store.js';
export type { RcfSpec } from './model-store.js';
export {
  DEFAULT_MAX_ROWS,
  PayloadError,
  invokeModel,
  invokeModelAsync,
  parseCsvRows,
  requestRows,
} from './payloads.js';
export type { Model, Invocation, InvokeLimits, InvokeOptions } from './payloads.js';
export { sageMakerInvoke } from './invoker.js';
export { splitPayloads, transformLines } from './batch-transform.js';
export type { TransformSettings } from './batch-transform.js';
export type { SageMakerInvokeOptions } from './invoker.js';
export { FORECASTER_KINDS, readTrainingInput, trainForecaster, trainRcf } from './train.js';
export type { TrainInput, TrainForecasterOptions, TrainRcfOptions } from './train.js';
