import type { Command } from 'commander';
import { apiCommand, seg } from '../kit/command.js';
import { requireProject, resolveContext } from '../kit/context.js';
import type { GlobalFlags } from '../kit/options.js';
import { emit, printTable, say, shortTime } from '../kit/output.js';
import { parsePrincipalArg } from '../kit/principal.js';

interface Binding {
  principal: string;
  role: string;
  resource?: string;
  createTime: string;
}

type BindingFlags = GlobalFlags & { principal: string; role: string; resource?: string };

const ROLES = 'viewer, editor, admin, predictor or ingestor';
const path = (project: string) => `/v1/projects/${seg(project)}/bindings`;
const describe = (b: { principal: string; role: string; resource?: string }, project: string) =>
  `${b.principal} as ${b.role} on ${b.resource ? `projects/${project}/${b.resource}` : `project ${project}`}`;

/** `rouge bindings add|list|remove`: who holds which role in a project. */
export function registerBindingCommands(program: Command): void {
  const bindings = program.command('bindings').description('grant, list and remove roles in a project');

  apiCommand(bindings, 'add', 'grant a role to a principal on --project, or on one resource in it')
    .requiredOption('--principal <principal>', 'alice, user:alice, web@storefront or serviceAccount:web@storefront')
    .requiredOption('--role <role>', ROLES)
    .option('--resource <resource>', 'endpoints/{name}, recommenders/{name}, advertisers/{name} or triggers/{name}; omit for the whole project')
    .action(async (opts: BindingFlags) => {
      const principal = parsePrincipalArg(opts.principal).id;
      const ctx = resolveContext(opts);
      const project = requireProject(ctx);
      const b = await ctx.client.request<Binding>('POST', path(project), { body: { principal, role: opts.role, resource: opts.resource } });
      emit(ctx.json, b, () => say(`Granted ${describe(b, project)}.`));
    });

  apiCommand(bindings, 'list', 'list the bindings of --project')
    .option('--principal <principal>', 'only this principal')
    .option('--role <role>', 'only this role')
    .action(async (opts: GlobalFlags & { principal?: string; role?: string }) => {
      const principal = opts.principal === undefined ? undefined : parsePrincipalArg(opts.principal).id;
      const ctx = resolveContext(opts);
      const project = requireProject(ctx);
      const body = await ctx.client.listAll(path(project), 'bindings', { principal, role: opts.role });
      emit(ctx.json, body, () => {
        const rows = (body.bindings as Binding[]).map((b) => [b.principal, b.role, b.resource ?? '(project)', shortTime(b.createTime)]);
        printTable(['PRINCIPAL', 'ROLE', 'RESOURCE', 'CREATED'], rows, `No bindings in project ${project}${principal || opts.role ? ' match' : ''}.`);
      });
    });

  apiCommand(bindings, 'remove', 'remove a binding (the last admin of a project cannot be removed)')
    .requiredOption('--principal <principal>', 'alice, user:alice, web@storefront or serviceAccount:web@storefront')
    .requiredOption('--role <role>', ROLES)
    .option('--resource <resource>', 'the resource the binding names, if any')
    .action(async (opts: BindingFlags) => {
      const principal = parsePrincipalArg(opts.principal).id;
      const ctx = resolveContext(opts);
      const project = requireProject(ctx);
      const body = await ctx.client.request('DELETE', path(project), { query: { principal, role: opts.role, resource: opts.resource } });
      emit(ctx.json, body, () => say(`Removed ${describe({ principal, role: opts.role, resource: opts.resource }, project)}.`));
    });
}
