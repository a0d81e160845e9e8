/**
 * @module pipelines/machines
 * The machines pipeline: MTConnect observations scored per machine and minute.
 */
export { machinePipeline } from './machine-pipeline.js';
export type { MachinePipelineOptions, MachineScore } from './machine-pipeline.js';
