/**
 * In-process cost of authentication on GET /v1/projects/{p}: the same request
 * through app.inject with auth on and off, no network. Run:
 *   npx tsx bench/micro/auth-overhead.ts
 */
import { buildApp } from '../../src/app.js';

const KEY = `rk_benchadmin1_${'k'.repeat(43)}`;
const N = Number(process.env.BENCH_N ?? 20000);

async function run(authDisabled: boolean): Promise<number> {
  const app = await buildApp({ config: { bootstrapAdminKey: KEY, authDisabled, rateLimitPerSecond: 0 } });
  const headers = { authorization: `Bearer ${KEY}` };
  await app.inject({ method: 'POST', url: '/v1/projects', headers, payload: { name: 'bench' } });
  for (let i = 0; i < 2000; i++) await app.inject({ url: '/v1/projects/bench', headers });
  const t = performance.now();
  for (let i = 0; i < N; i++) await app.inject({ url: '/v1/projects/bench', headers });
  const us = ((performance.now() - t) * 1000) / N;
  await app.close();
  return us;
}

const off = await run(true);
const on = await run(false);
console.log(`auth off: ${off.toFixed(1)} us/request, auth on: ${on.toFixed(1)} us/request, auth cost: ${(on - off).toFixed(1)} us (${((off / on) * 100).toFixed(1)}% of the unauthenticated rate)`);
