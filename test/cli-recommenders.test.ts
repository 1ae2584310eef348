/**
 * `rouge recommenders` and `rouge recs train` through the real CLI against a
 * live server: create with an experiment, list, get, recommend (the variant
 * shown), the experiment report as a table and as JSON, delete, usage errors.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, buildTestApp } from './helpers/app.js';
import { CLI_TIMEOUT, runRouge } from './helpers/cli.js';
import { PROJECT, stockShop } from './recommendations-fixture.js';

let app: FastifyInstance;
let env: Record<string, string>;
const rouge = (...args: string[]) => runRouge(args, env);

beforeAll(async () => {
  app = await buildTestApp('sqlite', {}, { workerPollMs: 10 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  env = { ROUGE_URL: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`, ROUGE_API_KEY: ADMIN_KEY, ROUGE_PROJECT: PROJECT };
  await stockShop(app);
}, CLI_TIMEOUT);
afterAll(async () => {
  await app?.close();
});

describe('rouge recommenders', () => {
  it('trains, creates a recommender running an experiment, shows it, and recommends with the variant named', async () => {
    const trained = await rouge('recs', 'train', '--alias', 'champion');
    expect(trained.code, trained.err).toBe(0);
    expect(trained.out).toMatch(/Trained projects\/shop\/models\/recs\/versions\/1 \(default, champion\) from 780 events/);
    expect(trained.out).toMatch(/validation: HR@10 before [\d.]+, .*cases 120\n/);
    const experiment = JSON.stringify({ unit: 'userId', variants: [{ name: 'control', weight: 50 }, { name: 'pinned', weight: 50, model: 'recs@1' }] });
    const created = await rouge('recommenders', 'create', 'home', '--kind', 'for-you', '--experiment', experiment);
    expect(created.code, created.err).toBe(0);
    expect(created.out).toContain('by userId: control 50%, pinned 50%');
    const list = await rouge('recommenders', 'list');
    expect(list.out).toMatch(/home\s+for-you\s+recs@champion/);
    const rec = await rouge('recommenders', 'recommend', 'home', '--user', 'u3', '--json');
    expect(rec.code, rec.err).toBe(0);
    const body = JSON.parse(rec.out);
    expect(['control', 'pinned']).toContain(body.variant);
    expect(body.recommendationId.endsWith(`.home.${body.variant}`)).toBe(true);
    const table = await rouge('recommenders', 'recommend', 'home', '--user', 'u3');
    expect(table.err).toContain(`variant ${body.variant}`);
  }, CLI_TIMEOUT);

  it('prints the experiment report as a table, or as JSON, and says when there is nothing to count yet', async () => {
    const table = await rouge('recommenders', 'report', 'home');
    expect(table.code, table.err).toBe(0);
    expect(table.out).toMatch(/VARIANT\s+USERS\s+IMPRESSIONS\s+CLICKS\s+CTR/);
    expect(table.out).toMatch(/control\s+0\s+0\s+0/);
    expect(table.out).toMatch(/pinned\s+0\s+0\s+0/);
    expect(table.err).toContain('no events in this window');
    const json = await rouge('recommenders', 'report', 'home', '--json', '--from', '2026-01-01T00:00:00Z');
    expect(JSON.parse(json.out).variants.map((v: { name: string }) => v.name)).toEqual(['control', 'pinned']);
  }, CLI_TIMEOUT);

  it('refuses bad flags before any request (exit 2) and reports the server\'s refusals (exit 1)', async () => {
    const noEndpoint = await rouge('recommenders', 'create', 'x', '--kind', 'similar', '--rerank-top-k', '10');
    expect(noEndpoint.code).toBe(2);
    expect(noEndpoint.err).toContain('need --rerank <endpoint>');
    const badJson = await rouge('recommenders', 'create', 'x', '--kind', 'similar', '--experiment', '{"unit": "userId"}');
    expect(badJson.code).toBe(2);
    const missing = await rouge('recommenders', 'create', 'x', '--kind', 'similar', '--rerank', 'no-such-endpoint');
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('RERANK_ENDPOINT_NOT_FOUND');
    expect((await rouge('recommenders', 'delete', 'home')).code).toBe(0);
  }, CLI_TIMEOUT);
});
