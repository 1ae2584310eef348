import type { Command } from 'commander';
import { apiCommand, seg } from '../kit/command.js';
import { requireProject, resolveContext } from '../kit/context.js';
import type { GlobalFlags } from '../kit/options.js';
import { emit, printFields, printTable, say, shortTime } from '../kit/output.js';

interface ServiceAccount {
  name: string;
  principal: string;
  project: string;
  serviceAccountId: string;
  displayName: string;
  description: string;
  createTime: string;
}

const path = (project: string) => `/v1/projects/${seg(project)}/serviceAccounts`;

/** `rouge service-accounts create|list|delete`: workload identities, one project each. */
export function registerServiceAccountCommands(program: Command): void {
  const sas = program.command('service-accounts').description("create, list and delete a project's service accounts");

  apiCommand(sas, 'create <name>', 'create a service account in --project')
    .option('--display-name <text>', 'human-readable name (default: the name)')
    .option('--description <text>', 'what the account is for')
    .action(async (name: string, opts: GlobalFlags & { displayName?: string; description?: string }) => {
      const ctx = resolveContext(opts);
      const project = requireProject(ctx);
      const sa = await ctx.client.request<ServiceAccount>('POST', path(project), { body: { name, displayName: opts.displayName, description: opts.description } });
      emit(ctx.json, sa, () => {
        say(`Created service account ${sa.principal}. Next: rouge keys create ${sa.serviceAccountId}@${sa.project}, and rouge bindings add to grant it a role.`);
        printFields([
          ['name', sa.name],
          ['principal', sa.principal],
          ['displayName', sa.displayName],
          ['description', sa.description || undefined],
          ['createTime', shortTime(sa.createTime)],
        ]);
      });
    });

  apiCommand(sas, 'list', 'list the service accounts of --project').action(async (opts: GlobalFlags) => {
    const ctx = resolveContext(opts);
    const project = requireProject(ctx);
    const body = await ctx.client.listAll(path(project), 'serviceAccounts');
    emit(ctx.json, body, () => {
      const rows = (body.serviceAccounts as ServiceAccount[]).map((s) => [s.serviceAccountId, s.principal, s.displayName, s.description, shortTime(s.createTime)]);
      printTable(['NAME', 'PRINCIPAL', 'DISPLAY NAME', 'DESCRIPTION', 'CREATED'], rows, `No service accounts in project ${project}.`);
    });
  });

  apiCommand(sas, 'delete <name>', 'delete a service account; its keys stop working and its bindings go').action(async (name: string, opts: GlobalFlags) => {
    const ctx = resolveContext(opts);
    const project = requireProject(ctx);
    const body = await ctx.client.request('DELETE', `${path(project)}/${seg(name)}`);
    emit(ctx.json, body, () => say(`Deleted service account ${name}@${project}, with its keys and bindings.`));
  });
}
