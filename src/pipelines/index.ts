/**
 * Pipelines: DAGs of steps (train, evaluate, gate, set an alias, wait for an
 * approval) defined as YAML, run step by step as jobs with retries, trigger
 * rules and lineage; other modules add step kinds through `PIPELINE_STEPS`.
 */
export { pipelinesModule } from './module.js';
export type { PipelinesFace } from './module.js';
export { PIPELINE_STEPS } from './kinds.js';
export type { StepKind, StepContext, StepOutputs } from './kinds.js';
export { PipelineSpec } from './spec.js';
export { parsePipelineText, validatePipeline } from './validate.js';
export * as PipelineErrors from './errors.js';
export { gateStep } from './steps/gate.js';
export { approvalStep } from './steps/approval.js';
export { setAliasStep } from './steps/set-alias.js';
export { deployStep } from './steps/deploy.js';
export { httpStep } from './steps/http.js';
export { commandStep, COMMAND_PERMISSION } from './steps/command.js';
