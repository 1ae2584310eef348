import { parsePrincipal, type Principal } from '../../platform/iam/principals.js';
import { usageError } from './exit.js';

export type { Principal };

/**
 * Reads a principal as typed on the command line: `user:alice` or `alice` is
 * a user, `serviceAccount:web@storefront` or `web@storefront` a service
 * account. The full forms are the server's own syntax, so they parse alike.
 */
export function parsePrincipalArg(text: string): Principal {
  const full = /^(user|serviceAccount):/.test(text) ? text : text.includes('@') ? `serviceAccount:${text}` : `user:${text}`;
  const p = parsePrincipal(full);
  if (!p) {
    throw usageError(
      `cannot read principal ${JSON.stringify(text)}`,
      'use alice or user:alice for a user, web@storefront or serviceAccount:web@storefront for a service account (names are lower-case letters, digits and hyphens)',
    );
  }
  return p;
}

/** The API path of a principal's keys. */
export function keysPath(p: Principal): string {
  return p.kind === 'user'
    ? `/v1/users/${encodeURIComponent(p.name)}/keys`
    : `/v1/projects/${encodeURIComponent(p.project)}/serviceAccounts/${encodeURIComponent(p.name)}/keys`;
}
