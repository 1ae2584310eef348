/**
 * Decides once, before any test file runs, which production adapters are
 * tested, and says why any are not. Under CI a missing database is a failure,
 * not a skip: a green CI must mean both stores were tested.
 */
export default function setup(): void {
  const missing: string[] = [];
  if (!process.env.ROUGE_TEST_DATABASE_URL) missing.push('PostgreSQL suites skipped: set ROUGE_TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test) to run them');
  if (!process.env.ROUGE_TEST_REDIS_URL) missing.push('Redis suites skipped: set ROUGE_TEST_REDIS_URL (e.g. redis://127.0.0.1:6379) to run them');
  if (missing.length === 0) return;
  if (process.env.CI === 'true') {
    throw new Error(`CI=true but the production adapters cannot be tested:\n  ${missing.join('\n  ')}\n.ci/run sets both variables.`);
  }
  process.stdout.write(`\n${missing.map((m) => `NOTE: ${m}`).join('\n')}\n\n`);
}
