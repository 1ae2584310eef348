/**
 * The API's shapes this group reads, as src/pipelines/schemas.ts,
 * src/pipelines/triggers/{spec,views}.ts and src/platform/iam/schemas.ts answer them.
 */

export interface ParameterSpec {
  type: 'string' | 'number' | 'integer' | 'boolean';
  default?: string | number | boolean;
  description?: string;
}

export interface StepSpec {
  name: string;
  kind: string;
  needs?: string[];
}

export interface Pipeline {
  name: string;
  pipelineId: string;
  paused: boolean;
  spec: { name: string; description?: string; parameters?: Record<string, ParameterSpec>; maxActiveRuns?: number; steps: StepSpec[] };
  createTime: string;
  updateTime: string;
}

export interface Step {
  name: string;
  kind: string;
  state: string;
  attempt: number;
  needs: string[];
  startTime?: string;
  endTime?: string;
  outputs?: Record<string, unknown>;
  error?: string;
}

export interface Run {
  name: string;
  runId: string;
  /** projects/{p}/pipelines/{pl} */
  pipeline: string;
  state: string;
  parameters: Record<string, unknown>;
  principal: string;
  /** projects/{p}/triggers/{t}, when a trigger started the run. */
  trigger?: string;
  steps: Step[];
  createTime: string;
  startTime?: string;
  endTime?: string;
  error?: string;
}

export interface LogLine {
  id: string;
  step: string;
  time: string;
  line: string;
}

export interface Trigger {
  name: string;
  triggerId: string;
  pipeline: string;
  kind: 'schedule' | 'event' | 'http';
  description?: string;
  schedule?: string;
  timeZone?: string;
  overlapPolicy?: string;
  nextFireTime?: string;
  eventFilter?: { type: string; source?: string; subject?: string };
  http?: { url: string };
  parameters: Record<string, unknown>;
  paused: boolean;
  runAs: string;
  createTime: string;
}

export interface Delivery {
  name: string;
  deliveryId: string;
  /** projects/{p}/triggers/{t} */
  trigger: string;
  key: string;
  state: string;
  /** projects/{p}/pipelineRuns/{run}: the run this firing starts (or started). */
  run: string;
  parameters: Record<string, unknown>;
  scheduledTime?: string;
  attempts: number;
  reason?: string;
  createTime: string;
  updateTime: string;
}

export interface AuditEntry {
  time: string;
  principal: string;
  permission: string;
  resource: string;
  method: string;
  result: string;
  status: number;
  reason?: string;
  requestId: string;
  ip: string;
  userAgent: string;
  count: number;
}
