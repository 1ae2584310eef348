/**
 * Principals are strings, as in GCP IAM: `user:{name}` for a person and
 * `serviceAccount:{name}@{project}` for a workload.
 */

export type Principal =
  | { kind: 'user'; name: string; id: string }
  | { kind: 'serviceAccount'; name: string; project: string; id: string };

const USER = /^user:([a-z][a-z0-9-]{1,62})$/;
const SA = /^serviceAccount:([a-z][a-z0-9-]{1,62})@([a-z][a-z0-9-]{1,62})$/;

/** Parses `user:alice` or `serviceAccount:web@storefront`; undefined when malformed. */
export function parsePrincipal(id: string): Principal | undefined {
  const u = USER.exec(id);
  if (u) return { kind: 'user', name: u[1]!, id };
  const s = SA.exec(id);
  if (s) return { kind: 'serviceAccount', name: s[1]!, project: s[2]!, id };
  return undefined;
}

export function userPrincipal(name: string): string {
  return `user:${name}`;
}

export function serviceAccountPrincipal(name: string, project: string): string {
  return `serviceAccount:${name}@${project}`;
}
