import { Type } from 'typebox';
import { PageQuery, ProjectName } from '../../platform/index.js';

const Name = Type.String({ pattern: '^[a-z][a-z0-9-]{0,62}$' });
export const ProjectParams = Type.Object({ project: ProjectName });
export const TriggerParams = Type.Object({ project: ProjectName, trigger: Name });
export const DeliveryParams = Type.Object({ project: ProjectName, delivery: Type.String({ pattern: '^[0-9A-Z]{26}$' }) });
export const ListQuery = Type.Object({ ...PageQuery, pipeline: Type.Optional(Name) }, { additionalProperties: false });
export const DeliveriesQuery = Type.Object({
  ...PageQuery,
  trigger: Type.Optional(Name),
  state: Type.Optional(Type.Union(['PENDING', 'DELIVERED', 'SKIPPED', 'DEAD'].map((s) => Type.Literal(s)), { description: 'DEAD: the dead letters' })),
}, { additionalProperties: false });
export const BackfillBody = Type.Object({
  from: Type.String({ description: 'first date, YYYY-MM-DD in the trigger\'s time zone' }),
  to: Type.String({ description: 'last date, YYYY-MM-DD, included' }),
  only: Type.Optional(Type.Union([Type.Literal('missing'), Type.Literal('failed'), Type.Literal('all')], { description: 'missing (default): times with no run; failed: times whose last run failed; all: every time' })),
}, { additionalProperties: false });
export const Trigger = Type.Object({
  name: Type.String(), triggerId: Type.String(), pipeline: Type.String(), kind: Type.String(), description: Type.Optional(Type.String()),
  schedule: Type.Optional(Type.String()), timeZone: Type.Optional(Type.String()), overlapPolicy: Type.Optional(Type.String()), catchUpWindowSeconds: Type.Optional(Type.Integer()),
  nextFireTime: Type.Optional(Type.String()), eventFilter: Type.Optional(Type.Record(Type.String(), Type.String())), http: Type.Optional(Type.Object({ url: Type.String() })),
  parameters: Type.Record(Type.String(), Type.Unknown()), maxPausedSeconds: Type.Integer(), paused: Type.Boolean(), runAs: Type.String(),
  createTime: Type.String(), updateTime: Type.String(),
  signingSecret: Type.Optional(Type.String({ description: 'an HTTP trigger\'s signing secret: shown once, when it is created or rotated' })),
});
export const Delivery = Type.Object({
  name: Type.String(), deliveryId: Type.String(), trigger: Type.String(), key: Type.String(), state: Type.String(), run: Type.String(),
  parameters: Type.Record(Type.String(), Type.Unknown()), scheduledTime: Type.Optional(Type.String()), attempts: Type.Integer(),
  reason: Type.Optional(Type.String()), createTime: Type.String(), updateTime: Type.String(),
});
