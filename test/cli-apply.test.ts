/**
 * `rouge apply` and `rouge export` through the real CLI against a live
 * server: examples/infra (the seed's three projects) applied to an empty
 * server, applied again (no change), one binding edited (exactly that change
 * planned), pruning only what the source applied, drift made by hand shown by
 * --plan, export round-tripping, keys written once, and bad files refused
 * with their file and line before anything is applied.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, buildTestApp } from './helpers/app.js';
import { CLI_TIMEOUT, runRouge } from './helpers/cli.js';

const EXAMPLES = join(import.meta.dirname, '..', 'examples', 'infra');
let app: FastifyInstance;
let env: Record<string, string>;
let dir: string;
const rouge = (...args: string[]) => runRouge(args, env);
type PlanJson = { changes: Array<{ action: string; kind: string; project: string; name: string; fields?: string[]; at?: string }>; orphans: Array<{ kind: string; name: string }> };
const planOf = async (...args: string[]) => {
  const r = await rouge('apply', '-f', dir, '--source', 'infra', '--plan', '--json', ...args);
  expect([0, 4], r.err).toContain(r.code);
  return { code: r.code, plan: JSON.parse(r.out) as PlanJson };
};
const ok = async (url: string) => (await app.inject({ url })).statusCode === 200;
const bindings = async (project: string) => ((await app.inject({ url: `/v1/projects/${project}/bindings` })).json() as { bindings: Array<{ principal: string; role: string }> }).bindings.map((b) => `${b.principal} ${b.role}`);

beforeAll(async () => {
  app = await buildTestApp('sqlite');
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  env = { ROUGE_URL: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`, ROUGE_API_KEY: ADMIN_KEY };
  dir = mkdtempSync(join(tmpdir(), 'rouge-apply-'));
  cpSync(EXAMPLES, dir, { recursive: true });
}, CLI_TIMEOUT);
afterAll(async () => {
  await app?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('rouge apply', () => {
  it('applies examples/infra to an empty server in dependency order, then plans no change (exit 0)', async () => {
    const first = await rouge('apply', '-f', EXAMPLES);
    expect(first.code, first.err).toBe(0);
    expect(first.out).toMatch(/Applied: 12 created, 0 changed, 0 replaced, 0 deleted\./);
    for (const p of ['data-engineering', 'data-science', 'storefront']) expect(await ok(`/v1/projects/${p}`)).toBe(true);
    expect(await ok('/v1/projects/storefront/serviceAccounts/web')).toBe(true);
    expect(await bindings('data-science')).toEqual(expect.arrayContaining(['serviceAccount:web@storefront predictor', 'serviceAccount:etl@data-engineering ingestor', 'serviceAccount:notebooks@data-science editor']));
    const trigger = (await app.inject({ url: '/v1/projects/data-science/triggers/nightly-retrain' })).json() as { pipeline: string; schedule: string; nextFireTime: string };
    expect(trigger).toMatchObject({ pipeline: 'retrain-recs', schedule: '0 2 * * *' });
    expect(trigger.nextFireTime).toMatch(/T20:30:00.000Z$/);
    const record = (await app.inject({ url: '/v1/applyRecords/infra' })).json() as { resources: unknown[]; projects: string[] };
    expect(record.resources).toHaveLength(12);
    expect(record.projects).toEqual(['data-engineering', 'data-science', 'storefront']);

    const again = await rouge('apply', '-f', EXAMPLES);
    expect(again.code, again.err).toBe(0);
    expect(again.out).toMatch(/No changes: the server matches the files \(12 resource\(s\)\)/);
    expect(again.out).toMatch(/Nothing to apply\./);
    const plan = await rouge('apply', '-f', EXAMPLES, '--plan');
    expect(plan.code, plan.err).toBe(0);
  }, CLI_TIMEOUT);

  it('plans exactly an edited binding (exit 4), applies it with --prune, and then plans nothing', async () => {
    const file = join(dir, 'storefront.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('role: predictor', 'role: viewer'));
    const { code, plan } = await planOf('--prune');
    expect(code).toBe(4);
    expect(plan.changes.map((c) => `${c.action} ${c.kind} ${c.project} ${c.name}`)).toEqual([
      'create Binding data-science serviceAccount:web@storefront|viewer|',
      'delete Binding data-science serviceAccount:web@storefront|predictor|',
    ]);
    expect(plan.changes[0]!.at).toBe(`${file}:11`);
    // Without --prune the old binding is only reported, not deleted.
    const kept = await planOf();
    expect(kept.plan.changes.map((c) => c.action)).toEqual(['create']);
    expect(kept.plan.orphans.map((o) => o.name)).toEqual(['serviceAccount:web@storefront|predictor|']);
    const applied = await rouge('apply', '-f', dir, '--source', 'infra', '--prune');
    expect(applied.code, applied.err).toBe(0);
    expect(await bindings('data-science')).toContain('serviceAccount:web@storefront viewer');
    expect(await bindings('data-science')).not.toContain('serviceAccount:web@storefront predictor');
    expect((await planOf('--prune')).code).toBe(0);
  }, CLI_TIMEOUT);

  it('prunes only what this source applied: a service account made by hand stays', async () => {
    expect((await app.inject({ method: 'POST', url: '/v1/projects/storefront/serviceAccounts', payload: { name: 'handmade' } })).statusCode).toBe(200);
    const file = join(dir, 'data-science.yaml');
    // Drop the notebooks service account and its editor binding (the first two documents).
    writeFileSync(file, readFileSync(file, 'utf8').split('\n---\n').slice(2).join('\n---\n'));
    const { code, plan } = await planOf('--prune');
    expect(code).toBe(4);
    expect(plan.changes.map((c) => `${c.action} ${c.kind} ${c.name}`)).toEqual(['delete Binding serviceAccount:notebooks@data-science|editor|', 'delete ServiceAccount notebooks']);
    const applied = await rouge('apply', '-f', dir, '--source', 'infra', '--prune');
    expect(applied.code, applied.err).toBe(0);
    expect(await ok('/v1/projects/data-science/serviceAccounts/notebooks')).toBe(false);
    expect(await ok('/v1/projects/storefront/serviceAccounts/handmade')).toBe(true);
    expect(((await app.inject({ url: '/v1/applyRecords/infra' })).json() as { resources: unknown[] }).resources).toHaveLength(10);
  }, CLI_TIMEOUT);

  it('shows drift made by hand through the API in --plan, and apply puts it back', async () => {
    expect((await app.inject({ method: 'DELETE', url: '/v1/projects/data-science/bindings?principal=serviceAccount:etl@data-engineering&role=ingestor' })).statusCode).toBe(200);
    const hand = 'name: retrain-recs\nparameters:\n  minGain: { type: number, default: 0.5 }\nsteps:\n  - { name: train, kind: train-recs, with: { model: recs } }\n';
    expect((await app.inject({ method: 'PUT', url: '/v1/projects/data-science/pipelines/retrain-recs', payload: { source: hand } })).statusCode).toBe(200);
    const text = await rouge('apply', '-f', dir, '--source', 'infra', '--plan');
    expect(text.code, text.err).toBe(4);
    expect(text.out).toMatch(/~ update  Pipeline data-science\/retrain-recs/);
    expect(text.out).toMatch(/parameters: \{"minGain":\{"type":"number","default":0\.5\}\} -> \{"minGain":\{"type":"number","default":0\}\} \(server -> files\)/);
    expect(text.out).toMatch(/\+ create  Binding data-science: serviceAccount:etl@data-engineering ingestor/);
    expect(text.out).toMatch(/Plan: 1 to create, 1 to change, 0 to replace, 0 to delete; 8 unchanged\./);
    const fixed = await rouge('apply', '-f', dir, '--source', 'infra');
    expect(fixed.code, fixed.err).toBe(0);
    expect((await planOf()).code).toBe(0);
  }, CLI_TIMEOUT);

  it('exports a project as files that plan no change against the same server', async () => {
    const out = await rouge('export', '--project', 'data-science');
    expect(out.code, out.err).toBe(0);
    const file = join(dir, '..', `${Date.now()}-exported-ds.yaml`);
    writeFileSync(file, out.out);
    try {
      expect(out.out).toMatch(/kind: Trigger/);
      const plan = await rouge('apply', '-f', file, '--plan', '--source', 'exported');
      expect(plan.code, `${plan.out}${plan.err}`).toBe(0);
      expect(plan.out).toMatch(/No changes/);
    } finally {
      rmSync(file, { force: true });
    }
  }, CLI_TIMEOUT);

  it('writes keys only with --create-keys, once, to a Kubernetes Secret manifest', async () => {
    const secret = join(dir, '..', `${Date.now()}-keys.yaml`);
    try {
      const made = await rouge('apply', '-f', dir, '--source', 'infra', '--create-keys', '--keys-secret', secret);
      expect(made.code, made.err).toBe(0);
      expect(made.out).not.toMatch(/rk_/);
      const manifest = parse(readFileSync(secret, 'utf8')) as { kind: string; stringData: Record<string, string> };
      expect(manifest.kind).toBe('Secret');
      expect(Object.keys(manifest.stringData).sort()).toEqual(['etl.data-engineering', 'web.storefront']);
      const key = manifest.stringData['web.storefront']!;
      const me = await app.inject({ url: '/v1/whoami', headers: { authorization: `Bearer ${key}` } });
      expect((me.json() as { principal: string }).principal).toBe('serviceAccount:web@storefront');
      const twice = await rouge('apply', '-f', dir, '--source', 'infra', '--create-keys', '--keys-secret', secret);
      expect(twice.code).toBe(2);
      expect(twice.err).toMatch(/exists already; keys are written once/);
      const other = join(dir, '..', `${Date.now()}-keys.json`);
      const none = await rouge('apply', '-f', dir, '--source', 'infra', '--create-keys', '--keys-file', other);
      expect(none.code, none.err).toBe(0);
      expect(none.out).toMatch(/Every service account has a key already/);
      expect(existsSync(other)).toBe(false);
    } finally {
      rmSync(secret, { force: true });
    }
  }, CLI_TIMEOUT);
});

describe('rouge apply refuses bad files, naming the file and line, and applies nothing', () => {
  const badDir = () => mkdtempSync(join(tmpdir(), 'rouge-apply-bad-'));

  it('refuses an unknown kind', async () => {
    const d = badDir();
    writeFileSync(join(d, 'a.yaml'), 'kind: Project\nmetadata: { name: not-made }\nspec: {}\n---\nkind: Widget\nmetadata: { project: storefront, name: w }\nspec: {}\n');
    const r = await rouge('apply', '-f', d);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${join(d, 'a.yaml')}:5: unknown kind "Widget"`);
    expect(r.err).toMatch(/nothing was applied/);
    expect(await ok('/v1/projects/not-made')).toBe(false);
  }, CLI_TIMEOUT);

  it('refuses references to what neither the files nor the server have', async () => {
    const d = badDir();
    writeFileSync(join(d, 'refs.yaml'), [
      'kind: ServiceAccount\nmetadata: { project: storefront, name: fresh }\nspec: {}',
      'kind: Binding\nmetadata: { project: data-science }\nspec:\n  principal: serviceAccount:ghost@storefront\n  role: predictor',
      'kind: Trigger\nmetadata: { project: data-science, name: orphan }\nspec:\n  pipeline: nowhere\n  schedule: "0 3 * * *"',
    ].join('\n---\n'));
    const r = await rouge('apply', '-f', d, '--plan');
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${join(d, 'refs.yaml')}:8: Binding data-science: serviceAccount:ghost@storefront predictor refers to service account serviceAccount:ghost@storefront, which the files do not define and the server does not have`);
    expect(r.err).toContain(`${join(d, 'refs.yaml')}:14: Trigger data-science/orphan refers to pipeline nowhere in project data-science`);
    expect(await ok('/v1/projects/storefront/serviceAccounts/fresh')).toBe(false);
  }, CLI_TIMEOUT);

  it('refuses a document for a project the key cannot administer', async () => {
    expect((await app.inject({ method: 'POST', url: '/v1/users', payload: { name: 'shopdev' } })).statusCode).toBe(200);
    const key = ((await app.inject({ method: 'POST', url: '/v1/users/shopdev/keys', payload: {} })).json() as { key: string }).key;
    expect((await app.inject({ method: 'POST', url: '/v1/projects/storefront/bindings', payload: { principal: 'user:shopdev', role: 'admin' } })).statusCode).toBe(200);
    const d = badDir();
    writeFileSync(join(d, 'mixed.yaml'), 'kind: ServiceAccount\nmetadata: { project: storefront, name: cart }\nspec: {}\n---\nkind: ServiceAccount\nmetadata:\n  project: data-science\n  name: sneaky\nspec: {}\n');
    const r = await runRouge(['apply', '-f', d], { ...env, ROUGE_API_KEY: key });
    expect(r.code).toBe(3);
    expect(r.err).toContain(`${join(d, 'mixed.yaml')}:7: user:shopdev cannot administer project data-science`);
    expect(await ok('/v1/projects/storefront/serviceAccounts/cart')).toBe(false);
    // Its own project alone applies.
    writeFileSync(join(d, 'mixed.yaml'), 'kind: ServiceAccount\nmetadata: { project: storefront, name: cart }\nspec: {}\n');
    const mine = await runRouge(['apply', '-f', d, '--source', 'shop'], { ...env, ROUGE_API_KEY: key });
    expect(mine.code, mine.err).toBe(0);
    expect(await ok('/v1/projects/storefront/serviceAccounts/cart')).toBe(true);
  }, CLI_TIMEOUT);
});
