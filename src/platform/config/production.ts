import type { Config } from './settings.js';

/**
 * What production mode refuses, each with the fix. Later foundation pieces add
 * their own checks here (the admin key and the key pepper come with IAM).
 */
export function productionProblems(config: Config): string[] {
  const problems: string[] = [];
  if (!config.databaseUrl) {
    problems.push('the embedded SQLite store is for one machine: set DATABASE_URL (--database-url) to a PostgreSQL database');
  }
  if (!(config.tlsCert && config.tlsKey) && !config.trustProxy) {
    problems.push('no TLS: set --tls-cert and --tls-key, or --trust-proxy when a proxy in front of Rouge terminates TLS');
  }
  return problems;
}
