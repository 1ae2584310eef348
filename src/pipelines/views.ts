import type { PipelineSpec } from './spec.js';
import type { PipelineRow, RunRow, StepRow } from './tables.js';

/** A pipeline as the API shows it. */
export function pipelineView(p: PipelineRow) {
  return { name: `projects/${p.project}/pipelines/${p.name}`, pipelineId: p.name, paused: p.paused === 1, spec: JSON.parse(p.spec) as Record<string, unknown>, createTime: p.create_time, updateTime: p.update_time };
}

/** A run with its steps in the pipeline's order. */
export function runView(r: RunRow, steps: StepRow[]) {
  const spec = JSON.parse(r.spec) as PipelineSpec;
  const byName = new Map(steps.map((s) => [s.name, s]));
  return {
    name: `projects/${r.project}/pipelineRuns/${r.id}`, runId: r.id, pipeline: `projects/${r.project}/pipelines/${r.pipeline}`, state: r.state,
    parameters: JSON.parse(r.parameters) as Record<string, unknown>, principal: r.principal,
    ...(r.trigger ? { trigger: `projects/${r.project}/triggers/${r.trigger}` } : {}),
    steps: spec.steps.map((s) => {
      const row = byName.get(s.name)!;
      return {
        name: s.name, kind: s.kind, state: row.state, attempt: row.attempt, needs: s.needs ?? [],
        ...(row.start_time ? { startTime: row.start_time } : {}), ...(row.end_time ? { endTime: row.end_time } : {}),
        ...(row.outputs ? { outputs: JSON.parse(row.outputs) as Record<string, unknown> } : {}), ...(row.error ? { error: row.error } : {}),
      };
    }),
    createTime: r.create_time, ...(r.start_time ? { startTime: r.start_time } : {}), ...(r.end_time ? { endTime: r.end_time } : {}), ...(r.error ? { error: r.error } : {}),
  };
}
