import { Type } from 'typebox';
import { PageQuery, ProjectName } from '../platform/index.js';

const PipelineName = Type.String({ pattern: '^[a-z][a-z0-9-]{0,62}$' });
export const ProjectParams = Type.Object({ project: ProjectName });
export const PipelineParams = Type.Object({ project: ProjectName, pipeline: PipelineName });
export const RunParams = Type.Object({ project: ProjectName, run: Type.String({ pattern: '^[0-9A-Z]{26}$' }) });
export const PutBody = Type.Object({
  source: Type.Optional(Type.String({ maxLength: 200_000, description: 'the pipeline file as text (YAML or JSON): errors name its lines' })),
  spec: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'or the pipeline as JSON' })),
}, { additionalProperties: false });
export const RunBody = Type.Object({ parameters: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()]))) }, { additionalProperties: false });
export const RetryBody = Type.Object({ fromFailed: Type.Optional(Type.Boolean({ description: 'only the failed steps and what they held up (default: every step)' })) }, { additionalProperties: false });
export const ApproveBody = Type.Object({ step: PipelineName }, { additionalProperties: false });
export const RunsQuery = Type.Object({
  ...PageQuery,
  pipeline: Type.Optional(PipelineName),
  state: Type.Optional(Type.Union(['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'].map((s) => Type.Literal(s)), { description: 'only runs in this state' })),
}, { additionalProperties: false });
export const LogsQuery = Type.Object({ step: Type.Optional(PipelineName), after: Type.Optional(Type.String({ pattern: '^[0-9A-Z]{26}$', description: 'the id of the last line read: only later lines' })), pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) }, { additionalProperties: false });
export const ListQuery = Type.Object(PageQuery, { additionalProperties: false });

const Step = Type.Object({
  name: Type.String(), kind: Type.String(), state: Type.String(), attempt: Type.Integer(), needs: Type.Array(Type.String()),
  startTime: Type.Optional(Type.String()), endTime: Type.Optional(Type.String()), outputs: Type.Optional(Type.Record(Type.String(), Type.Unknown())), error: Type.Optional(Type.String()),
});
export const Run = Type.Object({
  name: Type.String(), runId: Type.String(), pipeline: Type.String(), state: Type.String(), parameters: Type.Record(Type.String(), Type.Unknown()), principal: Type.String(),
  trigger: Type.Optional(Type.String({ description: 'the trigger that started the run' })),
  steps: Type.Array(Step), createTime: Type.String(), startTime: Type.Optional(Type.String()), endTime: Type.Optional(Type.String()), error: Type.Optional(Type.String()),
});
export const Pipeline = Type.Object({
  name: Type.String(), pipelineId: Type.String(), paused: Type.Boolean(), spec: Type.Record(Type.String(), Type.Unknown()), createTime: Type.String(), updateTime: Type.String(),
});
