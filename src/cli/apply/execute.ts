import type { ApiClient } from '../kit/client.js';
import { seg } from '../kit/command.js';
import { CliError, ExitCode } from '../kit/exit.js';
import type { StatusLine } from '../kit/progress.js';
import { kindOf, type Res } from './kinds.js';
import { keyOf, labelOf, type Managed, type Plan } from './plan.js';

export interface Applied {
  created: number;
  updated: number;
  replaced: number;
  deleted: number;
}

const managedOf = (r: Managed): Managed => ({ kind: r.kind, project: r.project, name: r.name });

/**
 * Carries out a plan through the public API with the caller's key: creates,
 * changes and re-creates in dependency order, then deletes in the reverse
 * order; then records what the source manages. When a call fails midway the
 * record still says what was made, so a later --prune can find it.
 */
export async function executePlan(c: ApiClient, plan: Plan, status: StatusLine): Promise<Applied> {
  const blocked = plan.changes.filter((ch) => ch.action === 'blocked');
  if (blocked.length) {
    throw new CliError(`${blocked.length} change${blocked.length === 1 ? '' : 's'} cannot be applied; nothing was applied`, ExitCode.USAGE,
      blocked.map((b) => `${b.res.doc?.at() ?? labelOf(b.res)}: ${labelOf(b.res)} differs in ${b.fields!.join(', ')}: ${b.why}`));
  }
  const managed = new Map<string, Managed>((plan.record?.resources ?? []).map((m) => [keyOf(m), m]));
  for (const r of plan.desired) managed.set(keyOf(r), managedOf(r));
  const done: Applied = { created: 0, updated: 0, replaced: 0, deleted: 0 };
  const steps = plan.changes;
  let failure: unknown;
  for (const [i, ch] of steps.entries()) {
    status.show(`applying ${i + 1}/${steps.length}: ${ch.action} ${labelOf(ch.res)}`);
    const kind = kindOf(ch.res.kind)!;
    try {
      if (ch.action === 'create') {
        await kind.create(c, ch.res);
        done.created++;
      } else if (ch.action === 'update') {
        await kind.update!(c, ch.res, ch.fields!);
        done.updated++;
      } else if (ch.action === 'replace') {
        await kind.delete(c, ch.res.project, ch.res.name);
        await kind.create(c, ch.res);
        done.replaced++;
      } else if (ch.action === 'delete') {
        await kind.delete(c, ch.res.project, ch.res.name);
        managed.delete(keyOf(ch.res));
        done.deleted++;
      }
    } catch (e) {
      // What was not made yet is not managed: keep it out of the record unless an earlier apply made it.
      const before = new Set((plan.record?.resources ?? []).map(keyOf));
      for (const later of steps.slice(i)) if (later.action === 'create' && !before.has(keyOf(later.res))) managed.delete(keyOf(later.res));
      failure = e;
      break;
    }
  }
  status.end();
  const resources = [...managed.values()];
  const same = plan.record && plan.record.resources.length === resources.length && plan.record.resources.every((m) => managed.has(keyOf(m)));
  if (!same) {
    await c.request('PUT', `/v1/applyRecords/${seg(plan.source)}`, { body: { resources, etag: plan.record?.etag ?? '' } });
  }
  if (failure) {
    if (failure instanceof CliError) {
      throw new CliError(`${failure.message}; applied ${done.created + done.updated + done.replaced + done.deleted} of ${steps.length} changes before it`, failure.exitCode, [...failure.hints, 'fix the cause and run rouge apply again: what was applied stays, and the plan starts from there']);
    }
    throw failure;
  }
  return done;
}

/** Service accounts of the files that have no active key yet. */
export async function keylessServiceAccounts(c: ApiClient, desired: readonly Res[]): Promise<Res[]> {
  const out: Res[] = [];
  for (const r of desired.filter((d) => d.kind === 'ServiceAccount')) {
    const { keys } = await c.request<{ keys: Array<{ state: string }> }>('GET', `/v1/projects/${seg(r.project)}/serviceAccounts/${seg(r.name)}/keys`);
    if (!keys.some((k) => k.state === 'ACTIVE')) out.push(r);
  }
  return out;
}
