import { Option, type Command } from 'commander';
import { resolveContext } from '../kit/context.js';
import { usageError } from '../kit/exit.js';
import { seg } from '../kit/command.js';
import type { GlobalFlags } from '../kit/options.js';
import { emit, note, printTable, shortTime } from '../kit/output.js';
import { positiveInt, sinceTime } from '../kit/parsers.js';
import { parsePrincipalArg } from '../kit/principal.js';

interface AuditEntry {
  time: string;
  principal: string;
  permission: string;
  resource: string;
  method: string;
  result: string;
  status: number;
  reason?: string;
}

type AuditFlags = GlobalFlags & { org?: boolean; since?: string; principal?: string; result?: string; limit: number };

/** The AIP-160 filter the audit routes read; values never hold a quote, as principals cannot. */
export function auditFilter(f: { since?: string; principal?: string; result?: string }): string | undefined {
  const clauses = [
    f.since && `time>="${f.since}"`,
    f.principal && `principal="${f.principal}"`,
    f.result && `result="${f.result}"`,
  ].filter(Boolean);
  return clauses.length ? clauses.join(' AND ') : undefined;
}

/** `rouge audit`: who did what, newest first, from a project's or the organisation's log. */
export function registerAuditCommand(program: Command): void {
  program
    .command('audit')
    .description('show the audit log of --project (or of the organisation with --org), newest first')
    .option('--org', "the organisation log (creating projects, users and their keys) instead of a project's")
    .option('--since <when>', 'only entries since a duration ago (30m, 1h, 2d) or an RFC 3339 time', (t: string) => sinceTime(t))
    .option('--principal <principal>', 'only this principal (alice, web@storefront, user:alice, ..., or unauthenticated)')
    .addOption(new Option('--result <result>', 'only this outcome').choices(['allowed', 'denied', 'failed']))
    .option('--limit <n>', 'print at most this many entries', positiveInt, 100)
    .action(async (opts: AuditFlags) => {
      if (opts.org && opts.project) throw usageError('--org and --project name different logs', 'pass one of them');
      const principal = opts.principal === undefined || opts.principal === 'unauthenticated' ? opts.principal : parsePrincipalArg(opts.principal).id;
      const ctx = resolveContext(opts);
      if (!opts.org && !ctx.project) {
        throw usageError('rouge audit needs a project', 'pass --project <project> (or set ROUGE_PROJECT), or --org for the organisation log');
      }
      const path = opts.org ? '/v1/auditLog' : `/v1/projects/${seg(ctx.project!)}/auditLog`;
      const body = await ctx.client.listAll(path, 'auditEntries', { filter: auditFilter({ since: opts.since, principal, result: opts.result }) }, opts.limit);
      emit(ctx.json, body, () => {
        const rows = (body.auditEntries as AuditEntry[]).map((e) => [shortTime(e.time), e.principal, e.method, e.resource, e.result, String(e.status), e.reason ?? '']);
        printTable(['TIME', 'PRINCIPAL', 'METHOD', 'RESOURCE', 'RESULT', 'STATUS', 'REASON'], rows, 'No audit entries match.');
      });
      if (body.nextPageToken) note(`Showing the newest ${opts.limit} entries; more exist (raise --limit, or narrow with --since).`);
    });
}
