import { ApiError, type ApiClient } from '../kit/client.js';
import { seg } from '../kit/command.js';
import { StatusLine } from '../kit/progress.js';
import { type Doc, Problems } from './documents.js';
import { holds, kindOf, KINDS, maybe, type Res, type Spec } from './kinds.js';

/** One entry of an apply record: what a source manages. */
export interface Managed {
  kind: string;
  project: string;
  name: string;
}
export interface ApplyRecord {
  resources: Managed[];
  etag: string;
}

export type Action = 'create' | 'update' | 'replace' | 'delete' | 'blocked';
export interface Change {
  action: Action;
  res: Res;
  /** The fields that differ, for update, replace and blocked. */
  fields?: string[];
  /** The server's values, for showing drift. */
  current?: Spec;
  why?: string;
}
export interface Plan {
  source: string;
  desired: Res[];
  changes: Change[];
  unchanged: number;
  /** Resources this source applied before that the files no longer hold and that still exist (deleted only with --prune). */
  orphans: Managed[];
  record: ApplyRecord | undefined;
}

export const keyOf = (r: Managed) => `${r.kind}\u0000${r.project}\u0000${r.name}`;
const orderOf = (kind: string) => kindOf(kind)?.order ?? 99;

/** `Binding storefront: serviceAccount:web@storefront predictor on endpoints/ranker`, `ServiceAccount storefront/web`. */
export function labelOf(r: Managed): string {
  if (r.kind === 'Project') return `Project ${r.name}`;
  if (r.kind === 'Binding') {
    const [principal, role, resource] = r.name.split('|');
    return `Binding ${r.project || '(organisation)'}: ${principal} ${role}${resource ? ` on ${resource}` : ''}`;
  }
  return `${r.kind} ${r.project}/${r.name}`;
}

/** The resources the documents describe; shape problems (unknown kind, no project or name, twice defined) go to `problems`. */
export function desiredOf(docs: readonly Doc[], problems: Problems): Res[] {
  const out = new Map<string, Res>();
  for (const doc of docs) {
    const kind = kindOf(doc.kind);
    if (!kind) {
      problems.add(doc.at(['kind']), `unknown kind ${JSON.stringify(doc.kind)}; rouge apply knows ${KINDS.map((k) => k.kind).join(', ')}`);
      continue;
    }
    let project = doc.metadata.project;
    if (doc.kind === 'Project') project = doc.metadata.name;
    else if (doc.kind === 'Binding' && project === undefined) project = '';
    if (typeof project !== 'string' || (project === '' && doc.kind !== 'Binding')) {
      problems.add(doc.at(['metadata']), `a ${doc.kind} needs metadata.project`);
      continue;
    }
    const name = kind.nameOf(doc, project, problems);
    if (name === undefined) continue;
    const res: Res = { kind: doc.kind, project, name, spec: doc.spec, doc };
    const before = out.get(keyOf(res));
    if (before) problems.add(doc.at(), `${labelOf(res)} is defined twice (also at ${before.doc!.at()})`);
    else out.set(keyOf(res), res);
  }
  return [...out.values()].sort((a, b) => orderOf(a.kind) - orderOf(b.kind));
}

/**
 * Refuses documents for projects the key cannot administer (a project admin
 * applies to its projects; creating a project or an organisation binding
 * needs an organisation admin), before anything is read or written.
 */
export async function checkAccess(c: ApiClient, desired: readonly Res[], problems: Problems): Promise<void> {
  const me = await c.request<{ principal: string; orgAdmin: boolean }>('GET', '/v1/whoami');
  if (me.orgAdmin) return;
  const seen = new Set<string>();
  for (const r of desired) {
    if (r.project === '') {
      problems.add(r.doc!.at(), `${me.principal} cannot apply an organisation binding: that needs an organisation admin (orgAdmin)`);
      continue;
    }
    if (seen.has(r.project)) continue;
    seen.add(r.project);
    try {
      // The audit log is an admin's read: the cheapest question that says "admin here".
      await c.request('GET', `/v1/projects/${seg(r.project)}/auditLog`, { query: { pageSize: 1 } });
    } catch (e) {
      if (!(e instanceof ApiError) || (e.httpStatus !== 403 && e.httpStatus !== 404)) throw e;
      const first = desired.find((d) => d.project === r.project)!;
      const making = desired.some((d) => d.kind === 'Project' && d.name === r.project);
      problems.add(first.doc!.at(first.kind === 'Project' ? [] : ['metadata', 'project']), e.httpStatus === 404 && making
        ? `${me.principal} cannot create project ${r.project}: that needs an organisation admin (orgAdmin)`
        : `${me.principal} cannot administer project ${r.project}: apply needs the admin role in every project its files name`);
    }
  }
}

/** Refuses references to what the files do not define and the server does not have. */
export async function checkRefs(c: ApiClient, desired: readonly Res[], problems: Problems): Promise<void> {
  const defined = new Set(desired.map(keyOf));
  const onServer = new Map<string, Promise<boolean>>();
  const exists = (kind: string, project: string, name: string) => {
    const k = `${kind}\u0000${project}\u0000${name}`;
    if (!onServer.has(k)) onServer.set(k, kindOf(kind)!.read(c, project, name).then((s) => s !== undefined));
    return onServer.get(k)!;
  };
  for (const r of desired) {
    const refs = kindOf(r.kind)!.refs(r);
    if (r.kind !== 'Project' && r.project) refs.unshift({ kind: 'Project', project: r.project, name: r.project, path: ['metadata', 'project'], what: `project ${r.project}` });
    for (const ref of refs) {
      if (defined.has(keyOf(ref)) || (await exists(ref.kind, ref.project, ref.name))) continue;
      problems.add(r.doc!.at(ref.path), `${labelOf(r)} refers to ${ref.what}, which the files do not define and the server does not have`);
    }
  }
}

/** Reads the source's apply record; undefined when it has none yet. */
export async function readRecord(c: ApiClient, source: string): Promise<ApplyRecord | undefined> {
  return maybe(c.request<ApplyRecord>('GET', `/v1/applyRecords/${seg(source)}`));
}

/** Compares the files with the server, resource by resource, in dependency order. */
export async function makePlan(c: ApiClient, source: string, desired: Res[], opts: { prune: boolean; status?: StatusLine }): Promise<Plan> {
  const record = await readRecord(c, source);
  const changes: Change[] = [];
  let unchanged = 0;
  let n = 0;
  for (const res of desired) {
    opts.status?.show(`reading ${++n}/${desired.length}: ${labelOf(res)}`);
    const kind = kindOf(res.kind)!;
    const current = await kind.read(c, res.project, res.name);
    if (!current) {
      changes.push({ action: 'create', res });
      continue;
    }
    const want = kind.normalise ? kind.normalise(res.spec) : res.spec;
    const fields = Object.keys(want).filter((f) => !holds(want[f], current[f]));
    const fixed = fields.filter((f) => kind.fixed?.includes(f));
    if (!fields.length) unchanged++;
    else if (fixed.length) changes.push({ action: 'blocked', res, fields, current, why: `the API cannot change a ${res.kind}'s ${fixed.join(', ')} in place; delete it by hand, then apply` });
    else if (kind.update) changes.push({ action: 'update', res, fields, current });
    else if (kind.recreate) {
      const why = kind.recreate.refuse?.(res);
      changes.push(why ? { action: 'blocked', res, fields, current, why } : { action: 'replace', res, fields, current });
    } else changes.push({ action: 'blocked', res, fields, current, why: `the API cannot change a ${res.kind} in place; delete it by hand, then apply` });
  }
  const wanted = new Set(desired.map(keyOf));
  const orphans: Managed[] = [];
  const gone = (record?.resources ?? []).filter((m) => !wanted.has(keyOf(m)) && kindOf(m.kind)).sort((a, b) => orderOf(b.kind) - orderOf(a.kind));
  for (const m of gone) {
    opts.status?.show(`reading ${labelOf(m)} (applied before, gone from the files)`);
    const current = await kindOf(m.kind)!.read(c, m.project, m.name);
    if (!current) continue;
    if (opts.prune) changes.push({ action: 'delete', res: { ...m, spec: current }, current });
    else orphans.push(m);
  }
  opts.status?.end();
  return { source, desired, changes, unchanged, orphans, record };
}
