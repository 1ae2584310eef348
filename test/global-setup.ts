import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';

/**
 * Decides once, before any test file runs, which production adapters are
 * tested, and says why any are not. Under CI a missing database is a failure,
 * not a skip: a green CI must mean both stores were tested.
 *
 * The one opt-out is explicit: ROUGE_TEST_LEG=sqlite runs the SQLite leg alone
 * (PostgreSQL and Redis suites off, even if their URLs are set), allowed under
 * CI because the main run of .ci/run tests PostgreSQL and Redis; .ci/node24.sh
 * uses it to run the suite on Node 24.
 *
 * PostgreSQL test schemas are dropped here, after every file has finished, and
 * not by each file: Kysely's migrator introspects every schema in the
 * database, and a schema dropped by another file in the middle of that query
 * makes it fail.
 */
export default function setup(): (() => Promise<void>) | void {
  const leg = process.env.ROUGE_TEST_LEG;
  if (leg !== undefined && leg !== '' && leg !== 'sqlite') throw new Error(`ROUGE_TEST_LEG=${leg}: the only leg that can be chosen is sqlite (unset it for every store)`);
  if (leg === 'sqlite') {
    // Test files inherit the environment set here: with the URLs gone, STORE_KINDS is ['sqlite'] and no Redis is used.
    delete process.env.ROUGE_TEST_DATABASE_URL;
    delete process.env.ROUGE_TEST_REDIS_URL;
    process.stdout.write(`\nNOTE: ROUGE_TEST_LEG=sqlite: SQLite leg only (Node ${process.version}); the PostgreSQL and Redis leg runs in the main (Node 20) run of .ci/run\n\n`);
  }
  const missing: string[] = [];
  if (!process.env.ROUGE_TEST_DATABASE_URL) missing.push('PostgreSQL suites skipped: set ROUGE_TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test) to run them');
  if (!process.env.ROUGE_TEST_REDIS_URL) missing.push('Redis suites skipped: set ROUGE_TEST_REDIS_URL (e.g. redis://127.0.0.1:6379) to run them');
  if (missing.length > 0 && leg !== 'sqlite') {
    if (process.env.CI === 'true') {
      throw new Error(`CI=true but the production adapters cannot be tested:\n  ${missing.join('\n  ')}\n.ci/run sets both variables (or set ROUGE_TEST_LEG=sqlite for a SQLite-only run).`);
    }
    process.stdout.write(`\n${missing.map((m) => `NOTE: ${m}`).join('\n')}\n\n`);
  }
  const url = process.env.ROUGE_TEST_DATABASE_URL;
  const redisUrl = process.env.ROUGE_TEST_REDIS_URL;
  // Test files inherit this, so every schema and Redis key of this run shares a prefix the teardown can find.
  const run = randomBytes(3).toString('hex');
  process.env.ROUGE_TEST_RUN_ID = run;
  if (!url && !redisUrl) return;
  return async () => {
    if (redisUrl) await deleteRedisKeys(redisUrl, `rouge-t:${run}:*`);
    if (!url) return;
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ nspname: string }>("select nspname from pg_namespace where nspname like $1", [`rouge_t_${run}_%`]);
      for (const { nspname } of rows) await client.query(`drop schema if exists "${nspname}" cascade`);
    } finally {
      await client.end();
    }
  };
}

/** Deletes the run's Redis keys (budget counters, rate limits, caches), so repeated runs leave nothing behind. */
async function deleteRedisKeys(url: string, pattern: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
