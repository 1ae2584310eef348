import { defineError } from '../platform/index.js';

export const PIPELINE_INVALID = defineError('PIPELINE_INVALID', 400, 'INVALID_ARGUMENT', (p: { where: string; why: string }) =>
  `The pipeline is not valid at ${p.where}: ${p.why}. Check a file with rouge pipelines validate FILE before applying it.`);
export const PIPELINE_NOT_FOUND = defineError('PIPELINE_NOT_FOUND', 404, 'NOT_FOUND', (p: { pipeline: string }) =>
  `Pipeline ${p.pipeline} does not exist; define it with rouge pipelines apply FILE (PUT /v1/projects/{project}/pipelines/{name}).`);
export const PIPELINE_RUN_NOT_FOUND = defineError('PIPELINE_RUN_NOT_FOUND', 404, 'NOT_FOUND', (p: { run: string }) =>
  `Pipeline run ${p.run} does not exist; list runs with rouge pipelines runs list.`);
export const PARAMETERS_INVALID = defineError('PIPELINE_PARAMETERS_INVALID', 400, 'INVALID_ARGUMENT', (p: { why: string }) =>
  `The run's parameters are not valid: ${p.why}.`);
export const RUN_STATE_CONFLICT = defineError('PIPELINE_RUN_STATE', 409, 'FAILED_PRECONDITION', (p: { run: string; state: string; want: string }) =>
  `Pipeline run ${p.run} is ${p.state}; ${p.want}.`);
export const STEP_NOT_WAITING = defineError('PIPELINE_STEP_NOT_WAITING', 409, 'FAILED_PRECONDITION', (p: { step: string; state: string }) =>
  `Step ${p.step} is not waiting for an approval (it is ${p.state}); only a running approval step can be approved.`);
export const COMMAND_STEPS_FORBIDDEN = defineError('PIPELINE_COMMAND_STEPS_FORBIDDEN', 403, 'PERMISSION_DENIED', (p: { step: string; why: string }) =>
  `Step ${p.step} is a command step, which gives a shell to whoever defines it: ${p.why}.`);
export const STEP_NOT_FOUND = defineError('PIPELINE_STEP_NOT_FOUND', 404, 'NOT_FOUND', (p: { run: string; step: string; steps: string }) =>
  `Pipeline run ${p.run} has no step ${p.step}; its steps are ${p.steps}.`);
export const STEP_INPUTS_INVALID = defineError('PIPELINE_STEP_INPUTS_INVALID', 400, 'INVALID_ARGUMENT', (p: { step: string; why: string }) =>
  `Step ${p.step}'s inputs, resolved, are not valid: ${p.why}.`);
