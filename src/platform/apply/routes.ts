import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { Empty, Timestamp } from '../http/schemas.js';
import { AUTHENTICATED } from '../iam/index.js';
import { nowIso, parseJson } from '../store/index.js';
import * as errors from './errors.js';
import type { ApplyRecordRow, ApplyRecordStore, ManagedResource } from './store.js';

const SourceParams = Type.Object({ source: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$', description: 'the source\'s name: letters, digits, dots, hyphens and underscores' }) });
const Managed = Type.Object(
  {
    kind: Type.String({ minLength: 1, maxLength: 64 }),
    project: Type.String({ maxLength: 63, description: 'the project it lives in; "" for an organisation binding' }),
    name: Type.String({ minLength: 1, maxLength: 1000, description: 'its resource name, as `rouge apply` keys it' }),
  },
  { additionalProperties: false },
);
const ApplyRecord = Type.Object({
  name: Type.String({ description: 'applyRecords/{source}' }),
  source: Type.String(),
  resources: Type.Array(Managed),
  projects: Type.Array(Type.String(), { description: 'the projects its resources live in' }),
  etag: Type.String(),
  updateTime: Timestamp,
  updatedBy: Type.String(),
});
const PutBody = Type.Object(
  {
    resources: Type.Array(Managed, { maxItems: 100_000 }),
    etag: Type.Optional(Type.String({ maxLength: 64, description: 'the etag read: the write fails with APPLY_RECORD_CHANGED if another writer came first; "" for a record that must not exist yet' })),
  },
  { additionalProperties: false },
);

/** Says whether a principal may read (`platform.applyRecords.get`) or write (`.update`) records touching these projects; throws PERMISSION_DENIED. */
export type ApplyAuthorizer = (principal: string, permission: string, projects: readonly string[]) => Promise<void>;

const projectsOf = (resources: readonly ManagedResource[]) => [...new Set(resources.map((r) => r.project))].sort();
const order = (a: ManagedResource, b: ManagedResource) => a.kind.localeCompare(b.kind) || a.project.localeCompare(b.project) || a.name.localeCompare(b.name);

function view(row: ApplyRecordRow) {
  const resources = parseJson<ManagedResource[]>(row.resources, []);
  return { name: `applyRecords/${row.source}`, source: row.source, resources, projects: projectsOf(resources), etag: row.etag, updateTime: row.update_time, updatedBy: row.updated_by };
}

/**
 * `/v1/applyRecords/{source}`: which resources one source of `rouge apply`
 * manages, so `--prune` deletes only what that source made. The route gate
 * only authenticates: a record spans projects, and the handler checks the
 * caller in every project it names (old and new), as one permission per
 * path cannot.
 */
export function registerApplyRecordRoutes(app: FastifyInstance, store: ApplyRecordStore, authorize: ApplyAuthorizer): void {
  const tags = ['apply'];
  const base = '/v1/applyRecords/:source';
  const read = async (source: string) => {
    const row = await store.get(source);
    if (!row) throw errors.APPLY_RECORD_NOT_FOUND({ source });
    return row;
  };

  app.get<{ Params: Static<typeof SourceParams> }>(base, { config: { permission: AUTHENTICATED }, schema: { tags, summary: 'The resources a source of rouge apply manages (needs platform.applyRecords.get in each of their projects)', params: SourceParams, response: { 200: ApplyRecord } } },
    async (request) => {
      const v = view(await read(request.params.source));
      await authorize(request.principalName, 'platform.applyRecords.get', v.projects);
      return v;
    });

  app.put<{ Params: Static<typeof SourceParams>; Body: Static<typeof PutBody> }>(base, { config: { permission: AUTHENTICATED, auditScope: 'org' }, schema: { tags, summary: 'Replace the resources a source manages (needs platform.applyRecords.update in every project it names, before and after)', params: SourceParams, body: PutBody, response: { 200: ApplyRecord } } },
    async (request) => {
      const { source } = request.params;
      const old = await store.get(source);
      const resources = [...new Map(request.body.resources.map((r) => [`${r.kind}\u0000${r.project}\u0000${r.name}`, r])).values()].sort(order);
      await authorize(request.principalName, 'platform.applyRecords.update', [...new Set([...projectsOf(resources), ...(old ? view(old).projects : [])])]);
      if (request.body.etag !== undefined && request.body.etag !== (old?.etag ?? '')) throw errors.APPLY_RECORD_CHANGED({ source });
      const text = JSON.stringify(resources);
      const row: ApplyRecordRow = { source, resources: text, etag: randomBytes(8).toString('hex'), update_time: nowIso(), updated_by: request.principalName };
      if (!(await store.put(row, request.body.etag ?? undefined))) throw errors.APPLY_RECORD_CHANGED({ source });
      return view(row);
    });

  app.delete<{ Params: Static<typeof SourceParams> }>(base, { config: { permission: AUTHENTICATED, auditScope: 'org' }, schema: { tags, summary: 'Forget a source (its resources stay)', params: SourceParams, response: { 200: Empty } } },
    async (request) => {
      const v = view(await read(request.params.source));
      await authorize(request.principalName, 'platform.applyRecords.update', v.projects);
      await store.delete(request.params.source);
      return {};
    });
}
