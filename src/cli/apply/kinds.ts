import { ApiError, type ApiClient } from '../kit/client.js';
import { seg } from '../kit/command.js';
import type { Doc, Problems } from './documents.js';

/**
 * The kinds `rouge apply` knows, each mapped onto the public API: how to read
 * one back as a spec, create, change, delete and list it, and what it refers
 * to. A spec is the API's own create body without the resource's name (that
 * is `metadata.name`).
 */

/** One desired or actual resource. `project` is '' for an organisation binding; `name` is its key within kind and project. */
export interface Res {
  kind: string;
  project: string;
  name: string;
  spec: Record<string, unknown>;
  doc?: Doc;
}
export type Spec = Record<string, unknown>;
/** Something a resource needs to exist: in the files or on the server. */
export interface Ref {
  kind: string;
  project: string;
  name: string;
  path: Array<string | number>;
  what: string;
}

export interface Kind {
  kind: string;
  /** Creation order: lower first; deletion runs the other way. */
  order: number;
  /** The resource's name from its document; undefined (with a problem) when it has none. */
  nameOf(doc: Doc, project: string, problems: Problems): string | undefined;
  /** Today's state as a spec, or undefined when it does not exist. */
  read(c: ApiClient, project: string, name: string): Promise<Spec | undefined>;
  create(c: ApiClient, r: Res): Promise<void>;
  /** Changes the given fields in place; absent when the API cannot change this kind. */
  update?(c: ApiClient, r: Res, fields: string[]): Promise<void>;
  /** Fields the API's update cannot change: a difference in one blocks the plan (delete it by hand, then apply). */
  fixed?: readonly string[];
  /** The files' spec as the server would store it (times as UTC instants, trimmed words), for comparing; the API is still sent the files' own values. */
  normalise?(spec: Spec): Spec;
  /** Fields that only a delete and create can change; `refuse` says when not even that is allowed. */
  recreate?: { refuse?(r: Res): string | undefined };
  delete(c: ApiClient, project: string, name: string): Promise<void>;
  /** Every resource of the kind in a project, for `rouge export`. */
  list(c: ApiClient, project: string): Promise<Res[]>;
  refs(r: Res): Ref[];
}

/** GET that answers undefined for a 404 (the resource, or its project, does not exist). */
export async function maybe<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (e) {
    if (e instanceof ApiError && e.httpStatus === 404) return undefined;
    throw e;
  }
}
const P = (project: string) => `/v1/projects/${seg(project)}`;
/** Keeps the listed fields that are set, in that order. */
const pick = (o: Record<string, unknown>, fields: readonly string[]): Spec => Object.fromEntries(fields.filter((f) => o[f] !== undefined && o[f] !== null).map((f) => [f, o[f]]));
const named = (doc: Doc, problems: Problems): string | undefined => {
  const n = doc.metadata.name;
  if (typeof n === 'string' && n) return n;
  problems.add(doc.at(['metadata']), `a ${doc.kind} needs metadata.name`);
  return undefined;
};
const patchWith = (url: (r: Res) => string) => async (c: ApiClient, r: Res, fields: string[]) => {
  await c.request('PATCH', url(r), { query: { updateMask: fields.join(',') }, body: pick(r.spec, fields) });
};

const project: Kind = {
  kind: 'Project', order: 0,
  nameOf: (doc, _p, problems) => named(doc, problems),
  read: async (c, _p, name) => {
    const v = await maybe(c.request<Spec>('GET', P(name)));
    return v && pick(v, ['displayName', 'timeZone']);
  },
  create: async (c, r) => void (await c.request('POST', '/v1/projects', { body: { name: r.name, ...r.spec } })),
  delete: async (c, _p, name) => void (await c.request('DELETE', P(name))),
  list: async (c, p) => {
    const spec = await project.read(c, p, p);
    return spec ? [{ kind: 'Project', project: p, name: p, spec }] : [];
  },
  refs: () => [],
};

const serviceAccount: Kind = {
  kind: 'ServiceAccount', order: 1,
  nameOf: (doc, _p, problems) => named(doc, problems),
  read: async (c, p, name) => {
    const v = await maybe(c.request<Spec>('GET', `${P(p)}/serviceAccounts/${seg(name)}`));
    return v && pick(v, ['displayName', 'description']);
  },
  create: async (c, r) => void (await c.request('POST', `${P(r.project)}/serviceAccounts`, { body: { name: r.name, ...r.spec } })),
  delete: async (c, p, name) => void (await c.request('DELETE', `${P(p)}/serviceAccounts/${seg(name)}`)),
  list: async (c, p) => {
    const { serviceAccounts } = (await c.listAll(`${P(p)}/serviceAccounts`, 'serviceAccounts')) as { serviceAccounts: Spec[] };
    return serviceAccounts.map((v) => ({ kind: 'ServiceAccount', project: p, name: String(v.serviceAccountId), spec: pick(v, ['displayName', 'description']) }));
  },
  refs: () => [],
};

/** A binding's name is `principal|role|resource`: the binding is its own identity, so it is never changed, only made or removed. */
export const bindingName = (s: Spec) => `${String(s.principal)}|${String(s.role)}|${s.resource ? String(s.resource) : ''}`;
const bindingSpec = (name: string): Spec => {
  const [principal, role, resource] = name.split('|');
  return { principal, role, ...(resource ? { resource } : {}) };
};
const bindingsPath = (p: string) => (p ? `${P(p)}/bindings` : '/v1/bindings');
const binding: Kind = {
  kind: 'Binding', order: 4,
  nameOf: (doc, _p, problems) => {
    const s = doc.spec;
    if (typeof s.principal !== 'string' || typeof s.role !== 'string') {
      problems.add(doc.at(['spec']), 'a Binding needs spec.principal and spec.role');
      return undefined;
    }
    return bindingName(s);
  },
  read: async (c, p, name) => {
    const want = bindingSpec(name);
    const got = await maybe(c.request<{ bindings: Spec[] }>('GET', bindingsPath(p), { query: { principal: String(want.principal), role: String(want.role), pageSize: 1000 } }));
    const b = got?.bindings.find((x) => (x.resource ?? '') === (want.resource ?? ''));
    return b && pick(b, ['principal', 'role', 'resource']);
  },
  create: async (c, r) => void (await c.request('POST', bindingsPath(r.project), { body: pick(r.spec, ['principal', 'role', 'resource']) })),
  delete: async (c, p, name) => {
    const s = bindingSpec(name);
    await c.request('DELETE', bindingsPath(p), { query: { principal: String(s.principal), role: String(s.role), resource: s.resource ? String(s.resource) : undefined } });
  },
  list: async (c, p) => {
    const { bindings } = (await c.listAll(bindingsPath(p), 'bindings')) as { bindings: Spec[] };
    return bindings.map((b) => ({ kind: 'Binding', project: p, name: bindingName(b), spec: pick(b, ['principal', 'role', 'resource']) }));
  },
  refs: (r) => {
    const out: Ref[] = [];
    const sa = /^serviceAccount:([^@]+)@(.+)$/.exec(String(r.spec.principal));
    if (sa) out.push({ kind: 'ServiceAccount', project: sa[2]!, name: sa[1]!, path: ['spec', 'principal'], what: `service account ${String(r.spec.principal)}` });
    const res = /^(endpoints|recommenders)\/(.+)$/.exec(String(r.spec.resource ?? ''));
    if (res) out.push({ kind: res[1] === 'endpoints' ? 'Endpoint' : 'Recommender', project: r.project, name: res[2]!, path: ['spec', 'resource'], what: `${res[1] === 'endpoints' ? 'endpoint' : 'recommender'} ${res[2]} in project ${r.project}` });
    return out;
  },
};

/** A kind at `projects/{p}/{collection}/{name}` with a plain create body. */
function simple(kind: string, order: number, collection: string, idField: string, fields: readonly string[], o: { patch?: boolean; fixed?: readonly string[]; refs?: Kind['refs'] } = {}): Kind {
  const url = (p: string, name: string) => `${P(p)}/${collection}/${seg(name)}`;
  const k: Kind = {
    kind, order,
    nameOf: (doc, _p, problems) => named(doc, problems),
    read: async (c, p, name) => {
      const v = await maybe(c.request<Spec>('GET', url(p, name)));
      return v && pick(v, fields);
    },
    create: async (c, r) => void (await c.request('POST', `${P(r.project)}/${collection}`, { body: { name: r.name, ...r.spec } })),
    ...(o.patch ? { update: patchWith((r) => url(r.project, r.name)) } : {}),
    ...(o.fixed ? { fixed: o.fixed } : {}),
    delete: async (c, p, name) => void (await c.request('DELETE', url(p, name))),
    list: async (c, p) => {
      const body = (await c.listAll(`${P(p)}/${collection}`, collection)) as Record<string, Spec[]>;
      return (body[collection] ?? []).map((v) => ({ kind, project: p, name: String(v[idField]), spec: pick(v, fields) }));
    },
    refs: o.refs ?? (() => []),
  };
  return k;
}

const endpoint = simple('Endpoint', 2, 'endpoints', 'endpointId', ['displayName', 'labels', 'requestLogging']);
const advertiser = simple('Advertiser', 2, 'advertisers', 'advertiserId', ['displayName', 'brand'], { patch: true });
const recommender = simple('Recommender', 3, 'recommenders', 'recommenderId', ['kind', 'model', 'displayName', 'rules', 'fields', 'rerank', 'experiment'], {
  // PATCH ?updateMask= takes model, displayName, rules, fields, rerank and experiment; a recommender's kind is fixed at creation.
  patch: true, fixed: ['kind'],
  refs: (r) => {
    const e = (r.spec.rerank as Spec | undefined)?.endpoint;
    return typeof e === 'string' ? [{ kind: 'Endpoint', project: r.project, name: e, path: ['spec', 'rerank', 'endpoint'], what: `endpoint ${e} in project ${r.project}` }] : [];
  },
});

/** An RFC 3339 time as the server stores it; left as it is when it does not parse (the server refuses it). */
const instant = (t: string) => {
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? t : d.toISOString();
};
const CAMPAIGN = ['displayName', 'products', 'bid', 'productBids', 'dailyBudget', 'totalBudget', 'pacing', 'startTime', 'endTime', 'status'];
const campaignUrl = (p: string, name: string) => {
  const [a, c] = name.split('/');
  return `${P(p)}/advertisers/${seg(a!)}/campaigns/${seg(c!)}`;
};
const campaign: Kind = {
  kind: 'Campaign', order: 3,
  nameOf: (doc, _p, problems) => {
    const n = named(doc, problems);
    if (n === undefined) return undefined;
    if (typeof doc.metadata.advertiser !== 'string') {
      problems.add(doc.at(['metadata']), 'a Campaign needs metadata.advertiser');
      return undefined;
    }
    return `${doc.metadata.advertiser}/${n}`;
  },
  read: async (c, p, name) => {
    const v = await maybe(c.request<Spec>('GET', campaignUrl(p, name)));
    return v && pick(v, CAMPAIGN);
  },
  create: async (c, r) => void (await c.request('POST', `${P(r.project)}/advertisers/${seg(r.name.split('/')[0]!)}/campaigns`, { body: { name: r.name.split('/')[1], ...r.spec } })),
  update: patchWith((r) => campaignUrl(r.project, r.name)),
  // The server stores times as UTC with milliseconds: "2026-06-01T00:00:00+02:00" is "2026-05-31T22:00:00.000Z".
  normalise: (s) => ({ ...s, ...Object.fromEntries(['startTime', 'endTime'].filter((f) => typeof s[f] === 'string').map((f) => [f, instant(s[f] as string)])) }),
  delete: async (c, p, name) => void (await c.request('DELETE', campaignUrl(p, name))),
  list: async (c, p) => {
    const out: Res[] = [];
    for (const a of await advertiser.list(c, p)) {
      const { campaigns } = (await c.listAll(`${P(p)}/advertisers/${seg(a.name)}/campaigns`, 'campaigns')) as { campaigns: Spec[] };
      for (const v of campaigns) out.push({ kind: 'Campaign', project: p, name: `${a.name}/${String(v.campaignId)}`, spec: pick(v, CAMPAIGN) });
    }
    return out;
  },
  refs: (r) => [{ kind: 'Advertiser', project: r.project, name: r.name.split('/')[0]!, path: ['metadata', 'advertiser'], what: `advertiser ${r.name.split('/')[0]} in project ${r.project}` }],
};

/** A Pipeline's spec is the pipeline itself, as PUT .../pipelines/{name} takes it in {"spec": ...}. */
const pipeline: Kind = {
  kind: 'Pipeline', order: 2,
  nameOf: (doc, _p, problems) => named(doc, problems),
  read: async (c, p, name) => (await maybe(c.request<{ spec: Spec }>('GET', `${P(p)}/pipelines/${seg(name)}`)))?.spec,
  create: async (c, r) => void (await c.request('PUT', `${P(r.project)}/pipelines/${seg(r.name)}`, { body: { spec: { name: r.name, ...r.spec } } })),
  update: async (c, r) => pipeline.create(c, r),
  delete: async (c, p, name) => void (await c.request('DELETE', `${P(p)}/pipelines/${seg(name)}`)),
  list: async (c, p) => {
    const { pipelines } = (await c.listAll(`${P(p)}/pipelines`, 'pipelines')) as { pipelines: Array<{ pipelineId: string; spec: Spec }> };
    return pipelines.map((v) => ({ kind: 'Pipeline', project: p, name: v.pipelineId, spec: v.spec }));
  },
  refs: () => [],
};

const TRIGGER = ['pipeline', 'description', 'schedule', 'timeZone', 'overlapPolicy', 'catchUpWindowSeconds', 'eventFilter', 'http', 'parameters', 'maxPausedSeconds'];
const triggerSpec = (v: Spec): Spec => pick({ ...v, http: v.kind === 'http' ? true : undefined }, TRIGGER);
/**
 * Triggers have no update route: a changed trigger is deleted and made again
 * (its deliveries and runs stay). Not an HTTP trigger: its signing secret
 * would change under the callers that hold it.
 */
const trigger: Kind = {
  kind: 'Trigger', order: 3,
  nameOf: (doc, _p, problems) => named(doc, problems),
  read: async (c, p, name) => {
    const v = await maybe(c.request<Spec>('GET', `${P(p)}/triggers/${seg(name)}`));
    return v && triggerSpec(v);
  },
  create: async (c, r) => void (await c.request('POST', `${P(r.project)}/triggers`, { body: { triggerId: r.name, ...r.spec } })),
  recreate: { refuse: (r) => (r.spec.http ? 'an HTTP trigger is not re-created, as its signing secret would change: delete it by hand (rouge triggers delete), then apply' : undefined) },
  delete: async (c, p, name) => void (await c.request('DELETE', `${P(p)}/triggers/${seg(name)}`)),
  list: async (c, p) => {
    const { triggers } = (await c.listAll(`${P(p)}/triggers`, 'triggers')) as { triggers: Spec[] };
    return triggers.map((v) => ({ kind: 'Trigger', project: p, name: String(v.triggerId), spec: triggerSpec(v) }));
  },
  refs: (r) => (typeof r.spec.pipeline === 'string' ? [{ kind: 'Pipeline', project: r.project, name: r.spec.pipeline, path: ['spec', 'pipeline'], what: `pipeline ${r.spec.pipeline} in project ${r.project}` }] : []),
};

/** The project's one set of synonym groups; deleting it empties it. */
const synonymSet: Kind = {
  kind: 'SynonymSet', order: 2,
  nameOf: () => 'synonyms',
  read: async (c, p) => {
    const v = await maybe(c.request<{ synonyms: string[][] }>('GET', `${P(p)}/catalog/synonyms`));
    return v && v.synonyms.length ? { synonyms: v.synonyms } : undefined;
  },
  create: async (c, r) => void (await c.request('PUT', `${P(r.project)}/catalog/synonyms`, { body: { synonyms: r.spec.synonyms ?? [] } })),
  update: async (c, r) => synonymSet.create(c, r),
  // The server trims each word or phrase and drops groups left with fewer than two.
  normalise: (s) => (Array.isArray(s.synonyms)
    ? { ...s, synonyms: s.synonyms.map((g: unknown) => (Array.isArray(g) ? g.map((w: unknown) => (typeof w === 'string' ? w.trim() : w)).filter((w) => w !== '') : g)).filter((g: unknown) => !Array.isArray(g) || g.length >= 2) }
    : s),
  delete: async (c, p) => void (await c.request('PUT', `${P(p)}/catalog/synonyms`, { body: { synonyms: [] } })),
  list: async (c, p) => {
    const spec = await synonymSet.read(c, p, 'synonyms');
    return spec ? [{ kind: 'SynonymSet', project: p, name: 'synonyms', spec }] : [];
  },
  refs: () => [],
};

/** Every kind, in the order they are created. */
export const KINDS: readonly Kind[] = [project, serviceAccount, endpoint, pipeline, advertiser, synonymSet, recommender, campaign, trigger, binding];
export const kindOf = (name: string): Kind | undefined => KINDS.find((k) => k.kind === name);

/**
 * True when everything the files say is so on the server: objects may hold
 * more (defaults the server filled in), arrays match element by element.
 * Fields left out of a file are not the file's to decide.
 */
export function holds(want: unknown, got: unknown): boolean {
  if (want === undefined) return true;
  if (want === null) return got === null || got === undefined;
  if (Array.isArray(want)) return Array.isArray(got) && got.length === want.length && want.every((w, i) => holds(w, got[i]));
  if (typeof want === 'object') return typeof got === 'object' && got !== null && !Array.isArray(got) && Object.entries(want).every(([k, w]) => holds(w, (got as Spec)[k]));
  return want === got;
}
