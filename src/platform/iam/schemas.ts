import { Type } from 'typebox';
import { DisplayName, ProjectName, Timestamp } from '../http/schemas.js';

export const UserName = Type.String({ pattern: '^[a-z][a-z0-9-]{1,62}$', description: 'lower-case letters, digits and hyphens, starting with a letter, 2 to 63 characters' });
export const ServiceAccountName = UserName;
export const PrincipalText = Type.String({ minLength: 1, maxLength: 200, description: 'user:{name} or serviceAccount:{name}@{project}' });
export const Duration = Type.String({ pattern: '^[0-9]{1,10}s$', description: 'a duration in seconds, such as 3600s' });

export const User = Type.Object({ name: Type.String(), principal: Type.String(), displayName: Type.String(), createTime: Timestamp });
export const ServiceAccount = Type.Object({
  name: Type.String(), principal: Type.String(), project: Type.String(), serviceAccountId: Type.String(),
  displayName: Type.String(), description: Type.String(), createTime: Timestamp,
});
export const CreatedKey = Type.Object({ key: Type.String({ description: 'rk_<keyId>_<secret>: shown once, store it now' }), keyId: Type.String(), expireTime: Timestamp, principal: Type.String() });
export const KeyInfo = Type.Object({
  keyId: Type.String(), principal: Type.String(), displayName: Type.String(), redactedKey: Type.String(),
  createTime: Timestamp, expireTime: Timestamp, revokeTime: Type.Optional(Timestamp), lastUseTime: Type.Optional(Timestamp),
  state: Type.Union([Type.Literal('ACTIVE'), Type.Literal('EXPIRED'), Type.Literal('REVOKED'), Type.Literal('REVOKING')]),
});
export const CreateKeyBody = Type.Object(
  {
    displayName: Type.Optional(DisplayName),
    expireTime: Type.Optional(Type.String({ format: 'date-time', description: 'RFC 3339 expiry; default now + --key-ttl-days' })),
    ttl: Type.Optional(Duration),
  },
  { additionalProperties: false },
);
export const RevokeQuery = Type.Object({ delay: Type.Optional(Duration) }, { additionalProperties: false });
export const Binding = Type.Object({ principal: Type.String(), role: Type.String(), resource: Type.Optional(Type.String()), createTime: Timestamp });
export const BindingBody = Type.Object(
  {
    principal: PrincipalText,
    role: Type.String({ minLength: 1, maxLength: 64, description: 'viewer, editor, admin, predictor or ingestor' }),
    resource: Type.Optional(Type.String({ maxLength: 200, description: 'endpoints/{e} or recommenders/{r}; omit for the whole project' })),
  },
  { additionalProperties: false },
);
export const ProjectParams = Type.Object({ project: ProjectName });
export const AuditEntry = Type.Object({
  time: Timestamp, principal: Type.String(), permission: Type.String(), resource: Type.String(), method: Type.String(),
  result: Type.String(), status: Type.Integer(), reason: Type.Optional(Type.String()), requestId: Type.String(), ip: Type.String(), userAgent: Type.String(),
  count: Type.Integer({ description: 'calls this entry stands for: 1, or the refused reads and data-plane calls of one principal and permission in one minute' }),
});

/** Seconds in a `3600s` duration. */
export function seconds(d: string | undefined): number | undefined {
  return d === undefined ? undefined : Number(d.slice(0, -1));
}
