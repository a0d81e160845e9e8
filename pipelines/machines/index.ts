/**
 * @module pipelines/machines
 * The machines pipeline: MTConnect observations scored per machine and minute, offline or on
 * the stream (MTConnect documents put to Kinesis, `machineDocumentSpec`).
 */
export { machinePipeline } from './machine-pipeline.js';
export type { LastValues, MachinePipelineOptions, MachineScore } from './machine-pipeline.js';
export { isMtconnectDocument, machineDocumentSpec } from './machine-stream.js';
