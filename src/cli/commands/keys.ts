import type { Command } from 'commander';
import { apiCommand, seg } from '../kit/command.js';
import { resolveContext } from '../kit/context.js';
import type { GlobalFlags } from '../kit/options.js';
import { emit, printTable, say, shortTime } from '../kit/output.js';
import { apiDuration, positiveInt } from '../kit/parsers.js';
import { keysPath, parsePrincipalArg } from '../kit/principal.js';

interface CreatedKey {
  key: string;
  keyId: string;
  expireTime: string;
  principal: string;
}

interface KeyInfo {
  keyId: string;
  principal: string;
  displayName: string;
  redactedKey: string;
  createTime: string;
  expireTime: string;
  revokeTime?: string;
  lastUseTime?: string;
  state: string;
}

const PRINCIPAL_HELP = 'alice or user:alice (a user), web@storefront or serviceAccount:web@storefront (a service account)';

/** `rouge keys create|list|revoke` for a user's or a service account's API keys. */
export function registerKeyCommands(program: Command): void {
  const keys = program.command('keys').description("create, list and revoke a principal's API keys");

  apiCommand(keys, 'create <principal>', `create an API key, shown once; principal: ${PRINCIPAL_HELP}`)
    .option('--ttl-days <days>', "the key's lifetime in days (default: the server's --key-ttl-days, 90)", positiveInt)
    .option('--display-name <text>', 'what the key is for, shown in rouge keys list')
    .action(async (principal: string, opts: GlobalFlags & { ttlDays?: number; displayName?: string }) => {
      const p = parsePrincipalArg(principal);
      const ctx = resolveContext(opts);
      const body = { ...(opts.ttlDays ? { ttl: `${opts.ttlDays * 86_400}s` } : {}), ...(opts.displayName ? { displayName: opts.displayName } : {}) };
      const k = await ctx.client.request<CreatedKey>('POST', keysPath(p), { body });
      emit(ctx.json, k, () => {
        say(`Created API key ${k.keyId} for ${k.principal}, expiring ${shortTime(k.expireTime)}.`);
        say('');
        say(`    ${k.key}`);
        say('');
        say('Store it now; it cannot be shown again.');
      });
    });

  apiCommand(keys, 'list <principal>', `list a principal's keys (never their secrets); principal: ${PRINCIPAL_HELP}`).action(
    async (principal: string, opts: GlobalFlags) => {
      const p = parsePrincipalArg(principal);
      const ctx = resolveContext(opts);
      const body = await ctx.client.request<{ keys: KeyInfo[] }>('GET', keysPath(p));
      emit(ctx.json, body, () => {
        const rows = body.keys.map((k) => [k.keyId, k.state, k.displayName, shortTime(k.createTime), shortTime(k.expireTime), shortTime(k.lastUseTime)]);
        printTable(['KEY ID', 'STATE', 'DISPLAY NAME', 'CREATED', 'EXPIRES', 'LAST USED'], rows, `${p.id} has no keys; create one with rouge keys create ${principal}.`);
      });
    },
  );

  apiCommand(keys, 'revoke <principal> <keyId>', 'revoke a key now, or after --delay so a replacement can roll out')
    .option('--delay <duration>', 'keep the key working this long first, such as 3600s, 30m or 1h', apiDuration)
    .action(async (principal: string, keyId: string, opts: GlobalFlags & { delay?: string }) => {
      const p = parsePrincipalArg(principal);
      const ctx = resolveContext(opts);
      const k = await ctx.client.request<KeyInfo>('DELETE', `${keysPath(p)}/${seg(keyId)}`, { query: { delay: opts.delay } });
      emit(ctx.json, k, () =>
        say(k.state === 'REVOKED' ? `Revoked key ${k.keyId} of ${k.principal}.` : `Key ${k.keyId} of ${k.principal} stops working at ${shortTime(k.revokeTime)}.`),
      );
    });
}
