/**
 * The environment a benchmark's children run with: ours, minus whatever would
 * configure them behind the benchmark's back, so that only the flags and
 * variables the benchmark passes (and records) decide what is measured.
 */

/** Variables Rouge (or Node under it) reads: its settings, database and cache URLs, NODE_ENV, NODE_OPTIONS. */
export const ROUGE_VARIABLES = /^(ROUGE_|DATABASE_URL$|REDIS_URL$|NODE_ENV$|NODE_OPTIONS$)/;

/** Variables Python reads (PYTHONPATH, PYTHONHOME, ...): for benchmarks that also start a Python peer or client. */
export const PYTHON_VARIABLES = /^PYTHON/;

/**
 * A `cleanEnv(extra)` function: our environment without the variables any of
 * `drop` matches, plus `extra`.
 *
 * @example
 * const cleanEnv = envCleaner(ROUGE_VARIABLES, PYTHON_VARIABLES);
 * startChild('server', argv, cleanEnv({ ROUGE_RATE_LIMIT: '0' }));
 */
export function envCleaner(...drop: RegExp[]): (extra?: Record<string, string>) => NodeJS.ProcessEnv {
  return (extra = {}) => {
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) {
      if (drop.some((re) => re.test(k))) continue;
      env[k] = v;
    }
    return { ...env, ...extra };
  };
}
