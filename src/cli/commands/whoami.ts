import type { Command } from 'commander';
import { resolveContext } from '../kit/context.js';
import type { GlobalFlags } from '../kit/options.js';
import { emit, printFields } from '../kit/output.js';

/** The body of GET /v1/whoami. */
export interface WhoAmI {
  principal: string;
  keyId?: string;
  orgAdmin: boolean;
  projects: string[];
}

/** `key: value` lines for a whoami body; never the key itself, only its id. */
export function whoamiFields(me: WhoAmI, url: string, project?: string): Array<[string, string | undefined]> {
  return [
    ['principal', me.principal],
    ['keyId', me.keyId],
    ['server', url],
    ['orgAdmin', me.orgAdmin ? 'yes' : 'no'],
    ['projects', me.orgAdmin ? 'all (organisation admin)' : me.projects.join(', ') || '(none: ask a project admin for a binding)'],
    ['default project', project],
  ];
}

/** `rouge whoami`: which principal and key the CLI acts as. */
export function registerWhoamiCommand(program: Command): void {
  program.command('whoami').description('show the principal and key you are using, and the projects you can see').action(
    async (opts: GlobalFlags) => {
      const ctx = resolveContext(opts);
      const me = await ctx.client.request<WhoAmI>('GET', '/v1/whoami');
      emit(ctx.json, me, () => printFields(whoamiFields(me, ctx.client.url, ctx.project)));
    },
  );
}
