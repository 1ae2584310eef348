import { Type, type Static } from 'typebox';
import { scheduleProblem } from './cron.js';
import * as errors from './errors.js';
import { templateProblem } from './template.js';
import type { TriggerRow } from './tables.js';

const Name = Type.String({ pattern: '^[a-z][a-z0-9-]{0,62}$' });
const Attr = Type.String({ minLength: 1, maxLength: 512 });

/** The body of `POST /v1/projects/{p}/triggers`: exactly one of `schedule`, `eventFilter`, `http`. */
export const CreateTriggerBody = Type.Object({
  triggerId: Name,
  pipeline: Name,
  description: Type.Optional(Type.String({ maxLength: 1000 })),
  schedule: Type.Optional(Type.String({ maxLength: 200, description: 'five-field cron (minute hour day-of-month month day-of-week), e.g. "0 2 * * *"' })),
  timeZone: Type.Optional(Type.String({ maxLength: 64, description: 'IANA time zone of the schedule (default Etc/UTC)' })),
  overlapPolicy: Type.Optional(Type.Union([Type.Literal('forbid'), Type.Literal('allow'), Type.Literal('replace')], { description: 'when the previous scheduled run is still going: skip this one (forbid, the default), start anyway (allow), or cancel it and start (replace)' })),
  catchUpWindowSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 30 * 86_400, description: 'fire times missed while no worker ran, if no older than this (default 0: missed times are skipped)' })),
  eventFilter: Type.Optional(Type.Object({ type: Attr, source: Type.Optional(Attr), subject: Type.Optional(Attr) }, { additionalProperties: false, description: 'exact match on CloudEvents attributes' })),
  http: Type.Optional(Type.Boolean({ description: 'an HTTP function: POST .../triggers/{t}:invoke, with a key or a Rouge-Signature' })),
  parameters: Type.Optional(Type.Record(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$' }), Type.Union([Type.String({ maxLength: 2000 }), Type.Number(), Type.Boolean()]), { description: 'the run\'s parameters; strings may hold ${{ schedule.date }} or ${{ event.data.<field> }}' })),
  maxPausedSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 30 * 86_400, description: 'how long a firing waits for a paused pipeline before it becomes a dead letter (default 86400)' })),
}, { additionalProperties: false });
export type CreateTrigger = Static<typeof CreateTriggerBody>;

/** What a trigger keeps besides its row's columns. */
export interface TriggerSpec {
  description?: string;
  schedule?: string;
  timeZone?: string;
  overlapPolicy?: 'forbid' | 'allow' | 'replace';
  catchUpWindowSeconds?: number;
  eventFilter?: { type: string; source?: string; subject?: string };
  parameters: Record<string, string | number | boolean>;
  maxPausedSeconds: number;
}

/** Checks a create body beyond its schema; returns the kind and the spec to store. */
export function checkTrigger(b: CreateTrigger): { kind: 'schedule' | 'event' | 'http'; spec: TriggerSpec } {
  const kinds = [b.schedule !== undefined && 'schedule', b.eventFilter !== undefined && 'event', b.http === true && 'http'].filter(Boolean) as Array<'schedule' | 'event' | 'http'>;
  if (kinds.length !== 1) throw errors.TRIGGER_INVALID({ field: 'the body', why: `give exactly one of "schedule", "eventFilter" or "http": true (got ${kinds.length === 0 ? 'none' : kinds.join(' and ')})` });
  const kind = kinds[0]!;
  if (kind !== 'schedule') {
    for (const f of ['timeZone', 'overlapPolicy', 'catchUpWindowSeconds'] as const) if (b[f] !== undefined) throw errors.TRIGGER_INVALID({ field: f, why: 'only a schedule has it' });
  }
  const spec: TriggerSpec = { parameters: b.parameters ?? {}, maxPausedSeconds: b.maxPausedSeconds ?? 86_400, ...(b.description ? { description: b.description } : {}) };
  if (kind === 'schedule') {
    const timeZone = b.timeZone ?? 'Etc/UTC';
    const problem = scheduleProblem(b.schedule!, timeZone);
    if (problem) throw errors.TRIGGER_INVALID({ field: problem.includes('time zone') ? 'timeZone' : 'schedule', why: problem });
    Object.assign(spec, { schedule: b.schedule!.trim().replace(/\s+/g, ' '), timeZone, overlapPolicy: b.overlapPolicy ?? 'forbid', catchUpWindowSeconds: b.catchUpWindowSeconds ?? 0 });
  }
  if (kind === 'event') spec.eventFilter = b.eventFilter!;
  const t = templateProblem(spec.parameters, kind);
  if (t) throw errors.TRIGGER_INVALID({ field: 'parameters', why: t });
  return { kind, spec };
}

/** The API's view of a trigger. */
export function triggerView(row: TriggerRow, baseUrl: string): Record<string, unknown> {
  const spec = JSON.parse(row.spec) as TriggerSpec;
  const name = `projects/${row.project}/triggers/${row.name}`;
  return {
    name, triggerId: row.name, pipeline: row.pipeline, kind: row.kind,
    ...(spec.description ? { description: spec.description } : {}),
    ...(row.kind === 'schedule' ? { schedule: spec.schedule, timeZone: spec.timeZone, overlapPolicy: spec.overlapPolicy, catchUpWindowSeconds: spec.catchUpWindowSeconds, ...(row.next_fire_time ? { nextFireTime: row.next_fire_time } : {}) } : {}),
    ...(row.kind === 'event' ? { eventFilter: spec.eventFilter } : {}),
    ...(row.kind === 'http' ? { http: { url: `${baseUrl}/v1/${name}:invoke` } } : {}),
    parameters: spec.parameters, maxPausedSeconds: spec.maxPausedSeconds, paused: row.paused === 1, runAs: row.run_as,
    createTime: row.create_time, updateTime: row.update_time,
  };
}
