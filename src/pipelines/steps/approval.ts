import type { StepKind } from '../kinds.js';

/** Waits for a person: RUNNING until `rouge pipelines runs approve <run> <step>` (or cancel). */
export const approvalStep: StepKind = {
  kind: 'approval',
  description: 'wait for a person to approve (rouge pipelines runs approve RUN STEP) before the steps after it run',
  inputs: { type: 'object', additionalProperties: false, properties: { message: { type: 'string', maxLength: 1000 } } },
  async run(inputs, ctx) {
    if (inputs.message) await ctx.log(String(inputs.message));
    return { waiting: true };
  },
};
