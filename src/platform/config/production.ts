import type { Config } from './settings.js';

/**
 * What production mode refuses, each with the fix.
 */
export function productionProblems(config: Config): string[] {
  const problems: string[] = [];
  if (!config.databaseUrl) {
    problems.push('the embedded SQLite store is for one machine: set DATABASE_URL (--database-url) to a PostgreSQL database');
  }
  if (!(config.tlsCert && config.tlsKey) && !config.trustProxy) {
    problems.push('no TLS: set --tls-cert and --tls-key, or --trust-proxy when a proxy in front of Rouge terminates TLS');
  }
  if (!config.keyPepper) {
    problems.push('no key pepper: set ROUGE_KEY_PEPPER (--key-pepper) to a random secret of at least 32 characters, the same in every process');
  }
  if (!config.bidSigningKey) {
    problems.push('no bid signing key: set ROUGE_BID_SIGNING_KEY (--bid-signing-key) to a random secret of at least 32 characters, the same in every process, so a sponsored click signed by one process is accepted by the others');
  }
  if (!config.bootstrapAdminKey) {
    problems.push('no bootstrap admin key: set ROUGE_BOOTSTRAP_ADMIN_KEY (rk_<keyId>_<secret>) from your secret store; production never generates and prints one');
  }
  if (config.bootstrapAdminKey && config.bootstrapAdminKeyExpiresSeconds === undefined) {
    problems.push('the bootstrap admin key would never expire: set ROUGE_BOOTSTRAP_ADMIN_KEY_EXPIRES (--bootstrap-admin-key-expires), e.g. 90d, and rotate it before then');
  }
  if (!config.redisUrl && !config.singleProcess) {
    // Without a shared cache, signals never cross processes: an inference process kept serving an
    // undeployed model until its cache expired, and revocations waited for the key cache TTL.
    problems.push('no shared cache: set REDIS_URL (--redis-url) so processes tell each other about changes (deploys, revocations, campaigns), or --single-process when this one process runs every role alone');
  }
  if (config.demo) {
    problems.push('--demo loads a generated demo project with made-up shoppers: remove it (load real data with userEvents:import and catalog/items:import)');
  }
  if (config.authDisabled) {
    problems.push('authentication is switched off (--auth-disabled): remove it');
  }
  return problems;
}
