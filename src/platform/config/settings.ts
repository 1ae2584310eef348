import { fileURLToPath } from 'node:url';

/**
 * The table of every setting: its config key, CLI flag, environment variables,
 * parser and default. Flags, environment, the config file, `rouge serve --help`
 * and docs/configuration.md are all derived from this one list, so a setting
 * cannot exist in one place and be missing in another.
 */

export type Role = 'api' | 'inference' | 'worker';
export const ALL_ROLES: readonly Role[] = ['api', 'inference', 'worker'];
/** Where pipeline `command` steps run: a child process of the worker, or a Kubernetes Job. */
export type CommandExecutorName = 'process' | 'kubernetes';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** The validated configuration every part of Rouge reads. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  databaseSchema: string | undefined;
  redisUrl: string | undefined;
  roles: Role[];
  singleProcess: boolean;
  production: boolean;
  logLevel: LogLevel;
  tlsCert: string | undefined;
  tlsKey: string | undefined;
  trustProxy: boolean | string | undefined;
  bodyLimit: number;
  shutdownTimeoutMs: number;
  bootstrapAdminKey: string | undefined;
  bootstrapAdminKeyExpiresSeconds: number | undefined;
  keyPepper: string | undefined;
  bidSigningKey: string | undefined;
  fetchAllowCidrs: string[];
  allowCommandSteps: boolean;
  commandExecutor: CommandExecutorName;
  kubernetesNamespace: string | undefined;
  kubernetesImage: string | undefined;
  kubeconfig: string | undefined;
  consoleDir: string;
  pipelineStepLeaseSeconds: number;
  keyTtlDays: number;
  keyCacheTtlMs: number;
  rateLimitPerSecond: number;
  authDisabled: boolean;
  blobUrl: string | undefined;
  s3Endpoint: string | undefined;
  s3Region: string | undefined;
  s3ForcePathStyle: boolean;
  s3AccessKeyId: string | undefined;
  s3SecretAccessKey: string | undefined;
  workerConcurrency: number;
  cachePrefix: string;
  maxArtifactBytes: number;
  fastLane: boolean;
  metricsToken: string | undefined;
  demo: boolean;
}

/** Thrown when a setting cannot be parsed; the message names the setting and its source. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface Setting<K extends keyof Config = keyof Config> {
  key: K;
  flag: string;
  env: string[];
  description: string;
  /** Takes the raw text (from a flag or the environment) or a JSON value (from the file). */
  parse: (raw: unknown) => Config[K];
  /** The default when nothing sets it; may depend on production mode. */
  defaultValue: (production: boolean) => Config[K];
  /** Printed in --help; never a secret. */
  defaultText: string;
  /** Never echoed in an error message or a log line. */
  secret?: boolean;
  /** A switch: `--production` rather than `--production <value>`. */
  isSwitch?: boolean;
}

function integer(min: number, max: number) {
  return (raw: unknown): number => {
    const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`must be an integer from ${min} to ${max}`);
    return n;
  };
}

function text(check?: (s: string) => string | undefined) {
  return (raw: unknown): string => {
    if (typeof raw !== 'string' || raw.trim() === '') throw new Error('must be a non-empty string');
    const problem = check?.(raw);
    if (problem) throw new Error(problem);
    return raw;
  };
}

function optionalText(check?: (s: string) => string | undefined) {
  const t = text(check);
  return (raw: unknown): string | undefined => (raw === undefined || raw === '' ? undefined : t(raw));
}

function boolean(raw: unknown): boolean {
  if (typeof raw === 'boolean') return raw;
  if (typeof raw === 'string') {
    const v = raw.trim().toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(v)) return true;
    if (['0', 'false', 'no', 'off', ''].includes(v)) return false;
  }
  throw new Error('must be true or false');
}

function roles(raw: unknown): Role[] {
  const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : null;
  if (!list) throw new Error(`must be a comma-separated list of ${ALL_ROLES.join(', ')}`);
  const out = new Set<Role>();
  for (const item of list) {
    const r = String(item).trim();
    if (!ALL_ROLES.includes(r as Role)) throw new Error(`unknown role "${r}"; roles are ${ALL_ROLES.join(', ')}`);
    out.add(r as Role);
  }
  if (out.size === 0) throw new Error(`must name at least one of ${ALL_ROLES.join(', ')}`);
  return ALL_ROLES.filter((r) => out.has(r));
}

function cidrs(raw: unknown): string[] {
  const list = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? raw.split(',') : null;
  if (!list) throw new Error('must be a comma-separated list of CIDR ranges such as 10.20.0.0/16');
  const out = list.map((c) => c.trim()).filter((c) => c !== '');
  for (const c of out) if (!/^[0-9a-fA-F:.]+\/\d{1,3}$/.test(c)) throw new Error(`${JSON.stringify(c)} is not a CIDR range such as 10.20.0.0/16 or fd00::/8`);
  return out;
}

function databaseUrl(s: string): string | undefined {
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return 'must be a URL such as postgres://user@host:5432/db';
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') return `must be a postgres:// URL, got ${u.protocol}`;
  return undefined;
}

function redisUrl(s: string): string | undefined {
  try {
    const u = new URL(s);
    if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') return `must be a redis:// or rediss:// URL, got ${u.protocol}`;
  } catch {
    return 'must be a URL such as redis://127.0.0.1:6379';
  }
  return undefined;
}

const LOG_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function trustProxy(raw: unknown): boolean | string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw === 'boolean') return raw;
  if (typeof raw === 'string') {
    const v = raw.trim().toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(v)) return true;
    if (['0', 'false', 'no', 'off'].includes(v)) return false;
    // A comma-separated list of addresses or CIDRs, as Fastify's trustProxy accepts.
    if (/^[0-9a-f.:/,\s]+$/i.test(raw)) return raw;
  }
  throw new Error('must be true, false, or a comma-separated list of proxy addresses or CIDR ranges');
}

const none = () => undefined;

/** A duration such as `90d`, `12h`, `30m` or `3600s`, in seconds (1 second to 10 years). */
function duration(raw: unknown): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const m = typeof raw === 'string' ? /^\s*(\d{1,9})\s*([dhms])\s*$/.exec(raw) : null;
  if (!m) throw new Error('must be a duration such as 90d, 12h, 30m or 3600s');
  const seconds = Number(m[1]) * { d: 86_400, h: 3600, m: 60, s: 1 }[m[2] as 'd' | 'h' | 'm' | 's'];
  if (seconds < 1 || seconds > 3650 * 86_400) throw new Error('must be from 1 second to 3650 days');
  return seconds;
}

/** Every setting Rouge reads, in the order `--help` shows them. */
export const SETTINGS: Setting[] = [
  { key: 'port', flag: '--port', env: ['ROUGE_PORT'], description: 'TCP port to listen on (0 picks a free one)', parse: integer(0, 65535), defaultValue: () => 8080, defaultText: '8080' },
  { key: 'host', flag: '--host', env: ['ROUGE_HOST'], description: 'address to bind; 0.0.0.0 for every interface', parse: text(), defaultValue: (prod) => (prod ? '0.0.0.0' : '127.0.0.1'), defaultText: '127.0.0.1 (0.0.0.0 in production)' },
  { key: 'dataDir', flag: '--data-dir', env: ['ROUGE_DATA_DIR'], description: 'directory for the embedded store and local blobs', parse: text(), defaultValue: () => './.rouge', defaultText: './.rouge' },
  { key: 'databaseUrl', flag: '--database-url', env: ['DATABASE_URL', 'ROUGE_DATABASE_URL'], description: 'PostgreSQL URL; without it Rouge uses SQLite under the data dir', parse: optionalText(databaseUrl), defaultValue: none, defaultText: '(embedded SQLite)' },
  { key: 'databaseSchema', flag: '--database-schema', env: ['ROUGE_DATABASE_SCHEMA'], description: 'PostgreSQL schema to keep Rouge tables in', parse: optionalText((s) => (/^[a-z_][a-z0-9_]{0,62}$/.test(s) ? undefined : 'must be a lower-case SQL identifier')), defaultValue: none, defaultText: '(the search_path, usually public)' },
  { key: 'redisUrl', flag: '--redis-url', env: ['REDIS_URL', 'ROUGE_REDIS_URL'], description: 'Redis URL for the shared cache, counters and signals; without it they live in memory', parse: optionalText(redisUrl), defaultValue: none, defaultText: '(in memory)' },
  { key: 'roles', flag: '--roles', env: ['ROUGE_ROLES'], description: 'roles this process runs: api, inference, worker', parse: roles, defaultValue: () => [...ALL_ROLES], defaultText: 'api,inference,worker' },
  { key: 'singleProcess', flag: '--single-process', env: ['ROUGE_SINGLE_PROCESS'], description: 'this process is the whole deployment: it runs every role, and in production needs no shared cache (on PostgreSQL a lock refuses a second such process)', parse: boolean, defaultValue: () => false, defaultText: 'false', isSwitch: true },
  { key: 'production', flag: '--production', env: ['ROUGE_PRODUCTION'], description: 'refuse insecure defaults (also set by NODE_ENV=production)', parse: boolean, defaultValue: () => false, defaultText: 'false', isSwitch: true },
  { key: 'logLevel', flag: '--log-level', env: ['ROUGE_LOG_LEVEL'], description: `log level: ${LOG_LEVELS.join(', ')}`, parse: (raw) => { if (typeof raw === 'string' && LOG_LEVELS.includes(raw as LogLevel)) return raw as LogLevel; throw new Error(`must be one of ${LOG_LEVELS.join(', ')}`); }, defaultValue: () => 'info', defaultText: 'info' },
  { key: 'tlsCert', flag: '--tls-cert', env: ['ROUGE_TLS_CERT'], description: 'PEM certificate file; with --tls-key Rouge serves HTTPS', parse: optionalText(), defaultValue: none, defaultText: '(none)' },
  { key: 'tlsKey', flag: '--tls-key', env: ['ROUGE_TLS_KEY'], description: 'PEM private key file for --tls-cert', parse: optionalText(), defaultValue: none, defaultText: '(none)' },
  { key: 'trustProxy', flag: '--trust-proxy', env: ['ROUGE_TRUST_PROXY'], description: 'trust X-Forwarded-* from a TLS-terminating proxy: true, or its addresses/CIDRs', parse: trustProxy, defaultValue: none, defaultText: '(off)' },
  { key: 'bodyLimit', flag: '--body-limit', env: ['ROUGE_BODY_LIMIT'], description: 'largest JSON request body, in bytes', parse: integer(1024, 1024 * 1024 * 1024), defaultValue: () => 1024 * 1024, defaultText: '1048576' },
  { key: 'shutdownTimeoutMs', flag: '--shutdown-timeout-ms', env: ['ROUGE_SHUTDOWN_TIMEOUT_MS'], description: 'how long in-flight requests may finish after SIGTERM', parse: integer(0, 600000), defaultValue: () => 10000, defaultText: '10000' },
  { key: 'bootstrapAdminKey', flag: '--bootstrap-admin-key', env: ['ROUGE_BOOTSTRAP_ADMIN_KEY'], description: 'the key of user:admin on first start (rk_<keyId>_<secret>); otherwise one is generated and printed once', parse: optionalText((s) => (/^rk_[A-Za-z0-9]{6,32}_[A-Za-z0-9]{32,128}$/.test(s) ? undefined : 'must look like rk_<keyId>_<secret>: a keyId of 6 to 32 letters and digits, a secret of at least 32 letters and digits')), defaultValue: none, defaultText: '(generated on first start)', secret: true },
  { key: 'bootstrapAdminKeyExpiresSeconds', flag: '--bootstrap-admin-key-expires', env: ['ROUGE_BOOTSTRAP_ADMIN_KEY_EXPIRES'], description: 'lifetime of the bootstrap admin key from the first start, as a duration (90d, 720h, 3600s); required in production', parse: duration, defaultValue: none, defaultText: '(never expires; refused in production)' },
  { key: 'bidSigningKey', flag: '--bid-signing-key', env: ['ROUGE_BID_SIGNING_KEY'], description: 'secret that signs sponsored products\' resolvedBidIds (at least 32 characters), the same in every process; required in production', parse: optionalText((s) => (s.length >= 32 ? undefined : 'must be at least 32 characters')), defaultValue: none, defaultText: '(generated into <data-dir>/bid-signing-key)', secret: true },
  { key: 'fetchAllowCidrs', flag: '--fetch-allow-cidr', env: ['ROUGE_FETCH_ALLOW_CIDRS'], description: 'private address ranges Rouge may fetch product images from (comma-separated CIDRs); every private, loopback, link-local and metadata address is refused otherwise', parse: cidrs, defaultValue: () => [], defaultText: '(none)' },
  { key: 'keyPepper', flag: '--key-pepper', env: ['ROUGE_KEY_PEPPER'], description: 'server-side secret mixed into API key hashes (at least 32 characters); required in production', parse: optionalText((s) => (s.length >= 32 ? undefined : 'must be at least 32 characters')), defaultValue: none, defaultText: '(generated into <data-dir>/key-pepper)', secret: true },
  { key: 'keyTtlDays', flag: '--key-ttl-days', env: ['ROUGE_KEY_TTL_DAYS'], description: 'default lifetime of a new API key, in days', parse: integer(1, 3650), defaultValue: () => 90, defaultText: '90' },
  { key: 'keyCacheTtlMs', flag: '--key-cache-ttl-ms', env: ['ROUGE_KEY_CACHE_TTL_MS'], description: 'how long a process trusts a verified key or binding before reading it again; bounds how late a revocation takes effect', parse: integer(0, 60000), defaultValue: () => 5000, defaultText: '5000' },
  { key: 'rateLimitPerSecond', flag: '--rate-limit', env: ['ROUGE_RATE_LIMIT'], description: 'requests per second allowed per API key (0 turns the limit off)', parse: integer(0, 1_000_000), defaultValue: () => 1000, defaultText: '1000' },
  { key: 'allowCommandSteps', flag: '--allow-command-steps', env: ['ROUGE_ALLOW_COMMAND_STEPS'], description: 'let pipelines run command steps (a process on the worker) in production; they give a shell to whoever may define them (orgAdmin)', parse: boolean, defaultValue: () => false, defaultText: 'false', isSwitch: true },
  { key: 'commandExecutor', flag: '--command-executor', env: ['ROUGE_COMMAND_EXECUTOR'], description: 'where pipeline command steps run: process (a child process of the worker) or kubernetes (a Job in --kubernetes-namespace)', parse: (raw) => { if (raw === 'process' || raw === 'kubernetes') return raw; throw new Error('must be process or kubernetes'); }, defaultValue: () => 'process', defaultText: 'process' },
  { key: 'kubernetesNamespace', flag: '--kubernetes-namespace', env: ['ROUGE_KUBERNETES_NAMESPACE'], description: 'namespace of the Jobs that run command steps (--command-executor kubernetes)', parse: optionalText((s) => (/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(s) ? undefined : 'must be a Kubernetes namespace name (lower-case letters, digits and hyphens)')), defaultValue: none, defaultText: '(the worker pod\'s namespace, else the kubeconfig context\'s, else default)' },
  { key: 'kubernetesImage', flag: '--kubernetes-image', env: ['ROUGE_KUBERNETES_IMAGE'], description: 'container image of a command step on Kubernetes that names none in its with.image', parse: optionalText(), defaultValue: none, defaultText: '(none: each step names its image)' },
  { key: 'kubeconfig', flag: '--kubeconfig', env: ['ROUGE_KUBECONFIG'], description: 'kubeconfig file of the cluster that runs command steps; without it, the in-cluster service account in a pod, else KUBECONFIG or ~/.kube/config', parse: optionalText(), defaultValue: none, defaultText: '(in-cluster, else KUBECONFIG or ~/.kube/config)' },
  { key: 'pipelineStepLeaseSeconds', flag: '--pipeline-step-lease-seconds', env: ['ROUGE_PIPELINE_STEP_LEASE_SECONDS'], description: 'how long a pipeline step\'s job stays claimed without a renewal: a step whose worker died runs again after it; it must outlast a training step, which blocks the event loop that renews it', parse: integer(2, 7 * 86_400), defaultValue: () => 600, defaultText: '600' },
  { key: 'authDisabled', flag: '--auth-disabled', env: ['ROUGE_AUTH_DISABLED'], description: 'serve without authentication, for benchmarks only; refused in production', parse: boolean, defaultValue: () => false, defaultText: 'false', isSwitch: true },
  { key: 'blobUrl', flag: '--blob-url', env: ['ROUGE_BLOB_URL'], description: 'where blobs live: file:///path or s3://bucket/prefix', parse: optionalText((s) => (/^(file:\/\/\/.+|s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?)$/.test(s) ? undefined : 'must be file:///absolute/path or s3://bucket[/prefix]')), defaultValue: none, defaultText: 'file://<data-dir>/blobs' },
  { key: 's3Endpoint', flag: '--s3-endpoint', env: ['ROUGE_S3_ENDPOINT', 'AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL'], description: 'S3-compatible endpoint URL (MinIO, GCS interoperability); default AWS', parse: optionalText((s) => (/^https?:\/\/.+/.test(s) ? undefined : 'must be an http(s) URL')), defaultValue: none, defaultText: '(AWS)' },
  { key: 's3Region', flag: '--s3-region', env: ['ROUGE_S3_REGION', 'AWS_REGION', 'AWS_DEFAULT_REGION'], description: 'S3 region', parse: optionalText(), defaultValue: none, defaultText: 'us-east-1' },
  { key: 's3ForcePathStyle', flag: '--s3-force-path-style', env: ['ROUGE_S3_FORCE_PATH_STYLE'], description: 'address buckets as https://host/bucket (MinIO and most S3-compatible servers)', parse: boolean, defaultValue: () => false, defaultText: 'false', isSwitch: true },
  { key: 's3AccessKeyId', flag: '--s3-access-key-id', env: ['ROUGE_S3_ACCESS_KEY_ID'], description: 'S3 access key id; default: the standard AWS credential chain (AWS_ACCESS_KEY_ID, profiles, instance roles)', parse: optionalText(), defaultValue: none, defaultText: '(AWS credential chain)' },
  { key: 's3SecretAccessKey', flag: '--s3-secret-access-key', env: ['ROUGE_S3_SECRET_ACCESS_KEY'], description: 'S3 secret access key, with --s3-access-key-id', parse: optionalText(), defaultValue: none, defaultText: '(AWS credential chain)', secret: true },
  { key: 'workerConcurrency', flag: '--worker-concurrency', env: ['ROUGE_WORKER_CONCURRENCY'], description: 'jobs a worker process runs at once, per job kind, unless the kind sets its own', parse: integer(1, 256), defaultValue: () => 4, defaultText: '4' },
  { key: 'cachePrefix', flag: '--cache-prefix', env: ['ROUGE_CACHE_PREFIX'], description: 'prefix of every Redis key and channel, so several deployments can share one Redis', parse: text((s) => (/^[A-Za-z0-9:_.-]{1,64}$/.test(s) ? undefined : 'must be 1 to 64 letters, digits, colons, dots, dashes or underscores')), defaultValue: () => 'rouge:', defaultText: 'rouge:' },
  { key: 'fastLane', flag: '--fast-lane', env: ['ROUGE_FAST_LANE'], description: 'answer :predict and OIP infer straight from node:http when the caller is cached (false sends every request through Fastify)', parse: boolean, defaultValue: () => true, defaultText: 'true' },
  { key: 'consoleDir', flag: '--console-dir', env: ['ROUGE_CONSOLE_DIR'], description: 'directory of the built web console served at /console (npm run build makes it)', parse: text(), defaultValue: () => fileURLToPath(new URL('../../../dist/console', import.meta.url)), defaultText: '<package>/dist/console' },
  { key: 'demo', flag: '--demo', env: ['ROUGE_DEMO'], description: 'load the demo project (a generated beauty catalogue, shopping sessions, a trained recommender and one recommender per kind) when the store has no project demo; never with --production', parse: boolean, defaultValue: () => false, defaultText: 'false', isSwitch: true },
  { key: 'metricsToken', flag: '--metrics-token', env: ['ROUGE_METRICS_TOKEN'], description: 'a bearer token that may read /metrics (for a Prometheus scraper; at least 32 characters); otherwise /metrics needs a key with platform.metrics.get', parse: optionalText((s) => (s.length >= 32 ? undefined : 'must be at least 32 characters')), defaultValue: none, defaultText: '(none: keys only)', secret: true },
  { key: 'maxArtifactBytes', flag: '--max-artifact-bytes', env: ['ROUGE_MAX_ARTIFACT_BYTES'], description: 'largest model artifact an upload may carry, in bytes', parse: integer(1024, 1024 ** 4), defaultValue: () => 4 * 1024 ** 3, defaultText: '4294967296 (4 GiB)' },
];
