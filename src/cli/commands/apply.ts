import { existsSync, writeFileSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { loadDocuments, Problems } from '../apply/documents.js';
import { executePlan, keylessServiceAccounts } from '../apply/execute.js';
import { kindOf, KINDS, type Res } from '../apply/kinds.js';
import { checkAccess, checkRefs, desiredOf, labelOf, makePlan, type Change, type Plan } from '../apply/plan.js';
import { apiCommand, seg } from '../kit/command.js';
import { requireProject, resolveContext } from '../kit/context.js';
import { ExitCode, usageError } from '../kit/exit.js';
import type { GlobalFlags } from '../kit/options.js';
import { emit, note, printJson, say } from '../kit/output.js';
import { StatusLine } from '../kit/progress.js';

/*
 * `rouge apply` and `rouge export` (docs/apply.md): resource files in git,
 * planned against the server and applied through the public API; the
 * server's apply record (/v1/applyRecords/{source}) says what each source
 * manages, so --prune deletes only that.
 */

type ApplyFlags = GlobalFlags & { filename: string[]; plan?: boolean; prune?: boolean; source?: string; createKeys?: boolean; keysFile?: string; keysSecret?: string; secretName: string };

const SOURCE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** The source's name: --source, else the first path's base name (`infra/` -> infra, `ds.yaml` -> ds). */
export function sourceOf(flags: { source?: string; filename: string[] }): string {
  const name = flags.source ?? basename(resolve(flags.filename[0]!), extname(flags.filename[0]!)).replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  if (!SOURCE.test(name)) throw usageError(`${JSON.stringify(name)} cannot name a source`, 'pass --source <name>: letters, digits, dots, hyphens and underscores');
  return name;
}

const MARK: Record<Change['action'], string> = { create: '+ create ', update: '~ update ', replace: '± replace', delete: '- delete ', blocked: '! blocked' };
const short = (v: unknown) => {
  const t = v === undefined ? '(unset)' : JSON.stringify(v);
  return t.length > 100 ? `${t.slice(0, 97)}...` : t;
};

function printPlan(plan: Plan, files: number): void {
  say(`Source ${plan.source}: ${plan.desired.length} resource(s) in ${files} file(s).`);
  for (const ch of plan.changes) {
    const where = ch.action === 'delete' ? `applied before by ${plan.source}, gone from the files` : ch.res.doc?.at();
    say(`${MARK[ch.action]} ${labelOf(ch.res)}${where ? `  (${where})` : ''}`);
    if (ch.action !== 'create' && ch.action !== 'delete') for (const f of ch.fields ?? []) say(`      ${f}: ${short(ch.current?.[f])} -> ${short(ch.res.spec[f])} (server -> files)`);
    if (ch.why) say(`      ${ch.why}`);
  }
  const count = (a: Change['action']) => plan.changes.filter((c) => c.action === a).length;
  if (!plan.changes.length) say(`No changes: the server matches the files (${plan.unchanged} resource(s)).`);
  else say(`Plan: ${count('create')} to create, ${count('update')} to change, ${count('replace')} to replace, ${count('delete')} to delete${count('blocked') ? `, ${count('blocked')} blocked` : ''}; ${plan.unchanged} unchanged.`);
  if (plan.orphans.length) {
    note(`${plan.orphans.length} resource(s) that ${plan.source} applied before are gone from the files; rouge apply --prune deletes them:`);
    for (const o of plan.orphans) note(`  ${labelOf(o)}`);
  }
}

const planJson = (plan: Plan) => ({
  source: plan.source,
  changes: plan.changes.map((c) => ({ action: c.action, kind: c.res.kind, project: c.res.project, name: c.res.name, ...(c.fields ? { fields: c.fields } : {}), ...(c.why ? { why: c.why } : {}), ...(c.res.doc ? { at: c.res.doc.at() } : {}) })),
  unchanged: plan.unchanged,
  orphans: plan.orphans,
});

/** Writes new service-account keys once: a file that exists is never overwritten. */
function writeKeys(flags: ApplyFlags, keys: Array<{ sa: Res; key: string }>): string {
  if (flags.keysFile) {
    writeFileSync(flags.keysFile, `${JSON.stringify({ keys: keys.map((k) => ({ principal: `serviceAccount:${k.sa.name}@${k.sa.project}`, key: k.key })) }, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    return flags.keysFile;
  }
  const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: flags.secretName }, type: 'Opaque', stringData: Object.fromEntries(keys.map((k) => [`${k.sa.name}.${k.sa.project}`, k.key])) };
  writeFileSync(flags.keysSecret!, stringify(secret), { mode: 0o600, flag: 'wx' });
  return flags.keysSecret!;
}

/** `rouge apply` and `rouge export`. */
export function registerApplyCommands(program: Command): void {
  apiCommand(program, 'apply', 'plan and apply resource files (projects, service accounts, bindings, endpoints, recommenders, ads, pipelines, triggers, synonyms)')
    .requiredOption('-f, --filename <paths...>', 'YAML or JSON files, or directories of them')
    .option('--plan', 'show what would change and change nothing; exit 4 when there are changes, 0 when none')
    .option('--prune', 'delete what this source applied before and the files no longer hold (never what was made otherwise)')
    .option('--source <name>', 'the name the server records this source under (default: the first path\'s base name)')
    .option('--create-keys', 'create a key for each service account of the files that has none, written once to --keys-file or --keys-secret')
    .option('--keys-file <path>', 'with --create-keys: a new JSON file for the keys (mode 600; never overwritten)')
    .option('--keys-secret <path>', 'with --create-keys: a new Kubernetes Secret manifest for the keys')
    .option('--secret-name <name>', 'the Secret\'s metadata.name', 'rouge-service-account-keys')
    .addHelpText('after', `
Examples:
  rouge apply -f examples/infra/ --plan
  rouge apply -f examples/infra/
  rouge apply -f examples/infra/ --prune
  rouge apply -f examples/infra/ --create-keys --keys-secret storefront-keys.yaml`)
    .action(async (flags: ApplyFlags) => {
      if (flags.createKeys && !!flags.keysFile === !!flags.keysSecret) throw usageError('--create-keys needs one of --keys-file or --keys-secret', 'keys are never printed: say where they go, once');
      if (!flags.createKeys && (flags.keysFile || flags.keysSecret)) throw usageError('--keys-file and --keys-secret go with --create-keys');
      const target = flags.keysFile ?? flags.keysSecret;
      if (flags.createKeys && target && existsSync(target)) throw usageError(`${target} exists already; keys are written once, to a new file`, 'move it away or name another file');
      const source = sourceOf(flags);
      const problems = new Problems();
      const docs = loadDocuments(flags.filename, problems);
      const desired = desiredOf(docs, problems);
      problems.throwIfAny();
      const ctx = resolveContext(flags);
      await checkAccess(ctx.client, desired, problems);
      problems.throwIfAny(true);
      await checkRefs(ctx.client, desired, problems);
      problems.throwIfAny();
      const status = new StatusLine();
      const plan = await makePlan(ctx.client, source, desired, { prune: flags.prune === true, status });
      const files = new Set(docs.map((d) => d.file)).size;
      if (flags.plan) {
        emit(ctx.json, planJson(plan), () => printPlan(plan, files));
        if (plan.changes.length) process.exitCode = ExitCode.PLAN_CHANGES;
        return;
      }
      if (!ctx.json) printPlan(plan, files);
      const done = await executePlan(ctx.client, plan, status);
      let keysWritten: { path: string; principals: string[] } | undefined;
      if (flags.createKeys) {
        const keyless = await keylessServiceAccounts(ctx.client, desired);
        const keys: Array<{ sa: Res; key: string }> = [];
        for (const sa of keyless) {
          const made = await ctx.client.request<{ key: string }>('POST', `/v1/projects/${seg(sa.project)}/serviceAccounts/${seg(sa.name)}/keys`, { body: { displayName: `rouge apply (${source})` } });
          keys.push({ sa, key: made.key });
        }
        if (keys.length) keysWritten = { path: writeKeys(flags, keys), principals: keys.map((k) => `serviceAccount:${k.sa.name}@${k.sa.project}`) };
      }
      emit(ctx.json, { ...planJson(plan), applied: done, ...(keysWritten ? { keysWrittenTo: keysWritten.path, keysFor: keysWritten.principals } : {}) }, () => {
        say(plan.changes.length ? `Applied: ${done.created} created, ${done.updated} changed, ${done.replaced} replaced, ${done.deleted} deleted.` : 'Nothing to apply.');
        if (flags.createKeys) say(keysWritten ? `Wrote ${keysWritten.principals.length} new key(s) to ${keysWritten.path} (${keysWritten.principals.join(', ')}); they are not shown anywhere else.` : 'Every service account has a key already: no key created.');
      });
    });

  apiCommand(program, 'export', 'print a project\'s resources (or, with --org, the organisation\'s bindings) as files rouge apply takes (YAML)')
    .option('--org', 'the organisation bindings (orgAdmin, metricsViewer) instead of a project\'s resources')
    .addHelpText('after', '\nExamples:\n  rouge export --project data-science > infra/data-science.yaml\n  rouge export --org > infra/organisation.yaml')
    .action(async (flags: GlobalFlags & { org?: boolean }) => {
      if (flags.org && flags.project) throw usageError('--org and --project name different things to export', 'pass one of them');
      const ctx = resolveContext(flags);
      const project = flags.org ? '' : requireProject(ctx);
      const status = new StatusLine();
      const all: Res[] = [];
      if (flags.org) {
        status.show('reading the organisation bindings');
        all.push(...(await kindOf('Binding')!.list(ctx.client, '')));
      } else {
        await ctx.client.request('GET', `/v1/projects/${seg(project)}`);
        for (const kind of KINDS) {
          status.show(`reading ${kind.kind} resources of ${project}`);
          all.push(...(await kind.list(ctx.client, project)));
        }
      }
      status.end();
      const docs = all.map((r) => {
        const metadata = r.kind === 'Project' ? { name: r.name }
          : r.kind === 'Binding' ? (r.project ? { project: r.project } : {})
          : r.kind === 'Campaign' ? { project: r.project, advertiser: r.name.split('/')[0], name: r.name.split('/')[1] }
          : { project: r.project, name: r.name };
        return { kind: r.kind, metadata, spec: r.spec };
      });
      if (ctx.json) return printJson({ documents: docs });
      process.stdout.write(`# rouge export ${flags.org ? '--org' : `--project ${project}`}: ${docs.length} resource(s); apply with rouge apply -f <this file>\n`);
      process.stdout.write(docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n'));
    });
}
