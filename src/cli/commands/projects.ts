import type { Command } from 'commander';
import { apiCommand, seg } from '../kit/command.js';
import { resolveContext } from '../kit/context.js';
import type { GlobalFlags } from '../kit/options.js';
import { emit, printFields, printTable, say, shortTime } from '../kit/output.js';

interface Project {
  name: string;
  projectId: string;
  displayName: string;
  timeZone: string;
  createTime: string;
  updateTime: string;
}

const fields = (p: Project): Array<[string, string]> => [
  ['name', p.name],
  ['projectId', p.projectId],
  ['displayName', p.displayName],
  ['timeZone', p.timeZone],
  ['createTime', shortTime(p.createTime)],
  ['updateTime', shortTime(p.updateTime)],
];

/** `rouge projects create|list|get|delete`. */
export function registerProjectCommands(program: Command): void {
  const projects = program.command('projects').description('create, list, inspect and delete projects');

  apiCommand(projects, 'create <name>', 'create a project (organisation admins)')
    .option('--display-name <text>', 'human-readable name (default: the name)')
    .option('--time-zone <zone>', 'IANA time zone, such as Europe/Paris (default: UTC)')
    .action(async (name: string, opts: GlobalFlags & { displayName?: string; timeZone?: string }) => {
      const ctx = resolveContext(opts);
      const p = await ctx.client.request<Project>('POST', '/v1/projects', { body: { name, displayName: opts.displayName, timeZone: opts.timeZone } });
      emit(ctx.json, p, () => {
        say(`Created project ${p.projectId}.`);
        printFields(fields(p));
      });
    });

  apiCommand(projects, 'list', 'list the projects you can see (all of them, for an organisation admin)').action(async (opts: GlobalFlags) => {
    const ctx = resolveContext(opts);
    const body = await ctx.client.listAll('/v1/projects', 'projects');
    emit(ctx.json, body, () => {
      const rows = (body.projects as Project[]).map((p) => [p.projectId, p.displayName, p.timeZone, shortTime(p.createTime)]);
      printTable(['PROJECT', 'DISPLAY NAME', 'TIME ZONE', 'CREATED'], rows, 'No projects you can see; an organisation admin creates them with rouge projects create.');
    });
  });

  apiCommand(projects, 'get <name>', 'show one project').action(async (name: string, opts: GlobalFlags) => {
    const ctx = resolveContext(opts);
    const p = await ctx.client.request<Project>('GET', `/v1/projects/${seg(name)}`);
    emit(ctx.json, p, () => printFields(fields(p)));
  });

  apiCommand(projects, 'delete <name>', 'delete an empty project (organisation admins)').action(async (name: string, opts: GlobalFlags) => {
    const ctx = resolveContext(opts);
    const body = await ctx.client.request('DELETE', `/v1/projects/${seg(name)}`);
    emit(ctx.json, body, () => say(`Deleted project ${name}.`));
  });
}
