import type { Command } from 'commander';
import { apiCommand, seg } from '../kit/command.js';
import { resolveContext } from '../kit/context.js';
import type { GlobalFlags } from '../kit/options.js';
import { emit, printFields, printTable, say, shortTime } from '../kit/output.js';

interface User {
  name: string;
  principal: string;
  displayName: string;
  createTime: string;
}

const shortName = (u: User) => u.name.replace(/^users\//, '');

/** `rouge users create|list|delete`: people, managed by organisation admins. */
export function registerUserCommands(program: Command): void {
  const users = program.command('users').description('create, list and delete users (organisation admins)');

  apiCommand(users, 'create <name>', 'create a user; give them a key with rouge keys create <name>')
    .option('--display-name <text>', 'human-readable name (default: the name)')
    .action(async (name: string, opts: GlobalFlags & { displayName?: string }) => {
      const ctx = resolveContext(opts);
      const u = await ctx.client.request<User>('POST', '/v1/users', { body: { name, displayName: opts.displayName } });
      emit(ctx.json, u, () => {
        say(`Created user ${u.principal}. Next: rouge keys create ${shortName(u)}, and bind it to a project with rouge bindings add.`);
        printFields([['name', u.name], ['principal', u.principal], ['displayName', u.displayName], ['createTime', shortTime(u.createTime)]]);
      });
    });

  apiCommand(users, 'list', 'list users').action(async (opts: GlobalFlags) => {
    const ctx = resolveContext(opts);
    const body = await ctx.client.listAll('/v1/users', 'users');
    emit(ctx.json, body, () => {
      const rows = (body.users as User[]).map((u) => [shortName(u), u.principal, u.displayName, shortTime(u.createTime)]);
      printTable(['NAME', 'PRINCIPAL', 'DISPLAY NAME', 'CREATED'], rows, 'No users.');
    });
  });

  apiCommand(users, 'delete <name>', 'delete a user with their keys and bindings').action(async (name: string, opts: GlobalFlags) => {
    const ctx = resolveContext(opts);
    const body = await ctx.client.request('DELETE', `/v1/users/${seg(name)}`);
    emit(ctx.json, body, () => say(`Deleted user ${name}, with their keys and bindings.`));
  });
}
