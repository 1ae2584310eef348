/**
 * `rouge apply` and `rouge export` for the commerce kinds, through the real
 * CLI against a live server: a Recommender following a trained model's alias
 * (the recommendations fixture's shop), an Advertiser and its Campaign (the
 * ads fixture's beauty shop), a SynonymSet, and an organisation Binding (no
 * metadata.project). For each: apply from files creates it as the files say,
 * a second apply plans nothing, an edit of one field plans exactly that change
 * and apply makes it, --prune deletes it when it leaves the files and only
 * then, and an export applies back with no change.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eur, productId, stockBeautyShop } from './ads-fixture.js';
import { ADMIN_KEY, buildTestApp } from './helpers/app.js';
import { CLI_TIMEOUT, runRouge } from './helpers/cli.js';
import { PROJECT as SHOP, stockShop, train } from './recommendations-fixture.js';

const BEAUTY = 'beauty';
let app: FastifyInstance;
let env: Record<string, string>;
let dir: string;
const rouge = (...args: string[]) => runRouge(args, env);
type PlanJson = { changes: Array<{ action: string; kind: string; project: string; name: string; fields?: string[]; why?: string }>; unchanged: number; orphans: Array<{ kind: string; project: string; name: string }> };
const planOf = async (...args: string[]) => {
  const r = await rouge('apply', '-f', dir, '--source', 'commerce', '--plan', '--json', ...args);
  expect([0, 4], `${r.out}${r.err}`).toContain(r.code);
  return { code: r.code, plan: JSON.parse(r.out) as PlanJson };
};
const apply = async (...args: string[]) => {
  const r = await rouge('apply', '-f', dir, '--source', 'commerce', ...args);
  expect(r.code, `${r.out}${r.err}`).toBe(0);
  return r;
};
const changesOf = (plan: PlanJson) => plan.changes.map((c) => `${c.action} ${c.kind} ${c.project} ${c.name}${c.fields ? ` [${c.fields.join(',')}]` : ''}`);
const get = async (url: string) => {
  const res = await app.inject({ url });
  return { status: res.statusCode, body: res.json() as Record<string, any> };
};
const orgBindings = async () => ((await get('/v1/bindings')).body.bindings as Array<{ principal: string; role: string }>).map((b) => `${b.principal} ${b.role}`);

/** The files: one per kind, so a test edits or drops one kind alone. */
const FILES: Record<string, string> = {
  'recommender.yaml': `kind: Recommender
metadata:
  project: ${SHOP}
  name: home
spec:
  kind: for-you
  model: recs@champion
  displayName: Home page
  rules:
    excludePurchased: true
    maxPerBrand: 3
  fields: [title, price]
`,
  'advertiser.yaml': `kind: Advertiser
metadata:
  project: ${BEAUTY}
  name: aurelia
spec:
  displayName: Aurelia Cosmetics
  brand: Aurelia
`,
  'campaign.yaml': `kind: Campaign
metadata:
  project: ${BEAUTY}
  advertiser: aurelia
  name: spring
spec:
  displayName: Spring lipsticks
  products: [${productId('Aurelia', 'lip', 1)}, ${productId('Aurelia', 'lip', 2)}]
  bid: { amount: 40, currency: EUR }
  dailyBudget: { amount: 5000, currency: EUR }
  startTime: "2026-03-01T00:00:00Z"
  endTime: "2026-06-01T00:00:00+02:00"
  status: paused
`,
  'synonyms.yaml': `kind: SynonymSet
metadata:
  project: ${BEAUTY}
spec:
  synonyms:
    - [lipstick, lip colour]
    - [mascara, lash colour]
`,
  'org.yaml': `kind: ServiceAccount
metadata:
  project: ${BEAUTY}
  name: scraper
spec:
  displayName: Prometheus scraper
---
kind: ServiceAccount
metadata:
  project: ${BEAUTY}
  name: scraper-b
spec: {}
---
kind: Binding
metadata: {}
spec:
  principal: serviceAccount:scraper@${BEAUTY}
  role: metricsViewer
`,
};
const edit = (file: string, from: string | RegExp, to: string) => {
  const path = join(dir, file);
  const before = readFileSync(path, 'utf8');
  const after = before.replace(from, to);
  expect(after, `${file}: ${String(from)}`).not.toBe(before);
  writeFileSync(path, after);
};

beforeAll(async () => {
  app = await buildTestApp('sqlite', {}, { workerPollMs: 10 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  env = { ROUGE_URL: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`, ROUGE_API_KEY: ADMIN_KEY };
  await stockShop(app);
  await train(app, { alias: 'champion' });
  await stockBeautyShop(app, BEAUTY);
  dir = mkdtempSync(join(tmpdir(), 'rouge-apply-commerce-'));
  for (const [name, text] of Object.entries(FILES)) writeFileSync(join(dir, name), text);
}, CLI_TIMEOUT);
afterAll(async () => {
  await app?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('rouge apply: recommenders, advertisers, campaigns, synonyms and organisation bindings', () => {
  it('creates each as the files say, in dependency order, then plans no change (exit 0)', async () => {
    const { code, plan } = await planOf();
    expect(code).toBe(4);
    expect(changesOf(plan)).toEqual([
      `create ServiceAccount ${BEAUTY} scraper`,
      `create ServiceAccount ${BEAUTY} scraper-b`,
      `create Advertiser ${BEAUTY} aurelia`,
      `create SynonymSet ${BEAUTY} synonyms`,
      `create Campaign ${BEAUTY} aurelia/spring`,
      `create Recommender ${SHOP} home`,
      'create Binding  serviceAccount:scraper@beauty|metricsViewer|',
    ]);
    const first = await apply();
    expect(first.out).toMatch(/Applied: 7 created, 0 changed, 0 replaced, 0 deleted\./);

    const rec = await get(`/v1/projects/${SHOP}/recommenders/home`);
    expect(rec.status).toBe(200);
    expect(rec.body).toMatchObject({ kind: 'for-you', model: 'recs@champion', displayName: 'Home page', rules: { excludePurchased: true, maxPerBrand: 3 }, fields: ['title', 'price'] });
    const recommended = await app.inject({ method: 'POST', url: `/v1/projects/${SHOP}/recommenders/home:recommend`, payload: { userId: 'u3' } });
    expect(recommended.statusCode, recommended.body).toBe(200);
    expect((await get(`/v1/projects/${BEAUTY}/advertisers/aurelia`)).body).toMatchObject({ displayName: 'Aurelia Cosmetics', brand: 'Aurelia' });
    expect((await get(`/v1/projects/${BEAUTY}/advertisers/aurelia/campaigns/spring`)).body).toMatchObject({
      displayName: 'Spring lipsticks', products: ['aurelia-lip-1', 'aurelia-lip-2'], bid: eur(40), dailyBudget: eur(5000),
      startTime: '2026-03-01T00:00:00.000Z', endTime: '2026-05-31T22:00:00.000Z', status: 'paused',
    });
    expect((await get(`/v1/projects/${BEAUTY}/catalog/synonyms`)).body.synonyms).toEqual([['lipstick', 'lip colour'], ['mascara', 'lash colour']]);
    expect(await orgBindings()).toContain('serviceAccount:scraper@beauty metricsViewer');
    const record = (await get('/v1/applyRecords/commerce')).body as { resources: Array<{ kind: string; project: string; name: string }> };
    expect(record.resources).toEqual(expect.arrayContaining([{ kind: 'Binding', project: '', name: 'serviceAccount:scraper@beauty|metricsViewer|' }, { kind: 'Campaign', project: BEAUTY, name: 'aurelia/spring' }]));
    expect(record.resources).toHaveLength(7);

    const again = await apply();
    expect(again.out).toMatch(/No changes: the server matches the files \(7 resource\(s\)\)/);
    const plan2 = await planOf('--prune');
    expect(plan2.code).toBe(0);
    expect(plan2.plan.unchanged).toBe(7);
  }, CLI_TIMEOUT);

  it('plans exactly an edited recommender field (exit 4) and applies it', async () => {
    edit('recommender.yaml', 'model: recs@champion', 'model: recs@1');
    const { code, plan } = await planOf();
    expect(code).toBe(4);
    expect(changesOf(plan)).toEqual([`update Recommender ${SHOP} home [model]`]);
    await apply();
    expect((await get(`/v1/projects/${SHOP}/recommenders/home`)).body).toMatchObject({ model: 'recs@1', displayName: 'Home page', rules: { maxPerBrand: 3 } });
    expect((await planOf()).code).toBe(0);

    edit('recommender.yaml', 'maxPerBrand: 3', 'maxPerBrand: 2');
    expect(changesOf((await planOf()).plan)).toEqual([`update Recommender ${SHOP} home [rules]`]);
    await apply();
    expect((await get(`/v1/projects/${SHOP}/recommenders/home`)).body.rules).toEqual({ excludePurchased: true, maxPerBrand: 2 });
    expect((await planOf()).code).toBe(0);
  }, CLI_TIMEOUT);

  it('blocks a recommender\'s kind, which the API cannot change in place, and applies nothing', async () => {
    edit('recommender.yaml', 'kind: for-you', 'kind: popular');
    const { code, plan } = await planOf();
    expect(code).toBe(4);
    expect(changesOf(plan)).toEqual([`blocked Recommender ${SHOP} home [kind]`]);
    expect(plan.changes[0]!.why).toMatch(/kind/);
    const r = await rouge('apply', '-f', dir, '--source', 'commerce');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/cannot be applied; nothing was applied/);
    expect((await get(`/v1/projects/${SHOP}/recommenders/home`)).body.kind).toBe('for-you');
    edit('recommender.yaml', 'kind: popular', 'kind: for-you');
    expect((await planOf()).code).toBe(0);
  }, CLI_TIMEOUT);

  it('plans exactly an edited advertiser field (exit 4) and applies it', async () => {
    edit('advertiser.yaml', 'displayName: Aurelia Cosmetics', 'displayName: Aurelia Paris');
    const { code, plan } = await planOf();
    expect(code).toBe(4);
    expect(changesOf(plan)).toEqual([`update Advertiser ${BEAUTY} aurelia [displayName]`]);
    await apply();
    expect((await get(`/v1/projects/${BEAUTY}/advertisers/aurelia`)).body).toMatchObject({ displayName: 'Aurelia Paris', brand: 'Aurelia' });
    expect((await planOf()).code).toBe(0);
  }, CLI_TIMEOUT);

  it('plans exactly an edited campaign field (exit 4) and applies it; times compare as instants', async () => {
    edit('campaign.yaml', 'bid: { amount: 40, currency: EUR }', 'bid: { amount: 55, currency: EUR }');
    const { code, plan } = await planOf();
    expect(code).toBe(4);
    expect(changesOf(plan)).toEqual([`update Campaign ${BEAUTY} aurelia/spring [bid]`]);
    await apply();
    expect((await get(`/v1/projects/${BEAUTY}/advertisers/aurelia/campaigns/spring`)).body).toMatchObject({ bid: eur(55), dailyBudget: eur(5000), status: 'paused', endTime: '2026-05-31T22:00:00.000Z' });
    expect((await planOf()).code).toBe(0);

    // Another spelling of the same instant is no change; another instant is.
    edit('campaign.yaml', '"2026-06-01T00:00:00+02:00"', '"2026-05-31T22:00:00.000Z"');
    expect((await planOf()).code).toBe(0);
    edit('campaign.yaml', '"2026-05-31T22:00:00.000Z"', '"2026-07-01T00:00:00Z"');
    expect(changesOf((await planOf()).plan)).toEqual([`update Campaign ${BEAUTY} aurelia/spring [endTime]`]);
    await apply();
    expect((await get(`/v1/projects/${BEAUTY}/advertisers/aurelia/campaigns/spring`)).body.endTime).toBe('2026-07-01T00:00:00.000Z');
    expect((await planOf()).code).toBe(0);
  }, CLI_TIMEOUT);

  it('plans exactly an edited synonym set (exit 4) and applies it', async () => {
    edit('synonyms.yaml', '[mascara, lash colour]', '[mascara, lash tint]');
    const { code, plan } = await planOf();
    expect(code).toBe(4);
    expect(changesOf(plan)).toEqual([`update SynonymSet ${BEAUTY} synonyms [synonyms]`]);
    await apply();
    expect((await get(`/v1/projects/${BEAUTY}/catalog/synonyms`)).body.synonyms).toEqual([['lipstick', 'lip colour'], ['mascara', 'lash tint']]);
    expect((await planOf()).code).toBe(0);
  }, CLI_TIMEOUT);

  it('plans an edited organisation binding as a new binding and the old one pruned, and applies it', async () => {
    edit('org.yaml', `principal: serviceAccount:scraper@${BEAUTY}`, `principal: serviceAccount:scraper-b@${BEAUTY}`);
    const { code, plan } = await planOf('--prune');
    expect(code).toBe(4);
    expect(changesOf(plan)).toEqual([
      'create Binding  serviceAccount:scraper-b@beauty|metricsViewer|',
      'delete Binding  serviceAccount:scraper@beauty|metricsViewer|',
    ]);
    const kept = await planOf();
    expect(changesOf(kept.plan)).toEqual(['create Binding  serviceAccount:scraper-b@beauty|metricsViewer|']);
    expect(kept.plan.orphans).toEqual([{ kind: 'Binding', project: '', name: 'serviceAccount:scraper@beauty|metricsViewer|' }]);
    await apply('--prune');
    expect(await orgBindings()).toContain('serviceAccount:scraper-b@beauty metricsViewer');
    expect(await orgBindings()).not.toContain('serviceAccount:scraper@beauty metricsViewer');
    expect((await planOf('--prune')).code).toBe(0);
  }, CLI_TIMEOUT);

  it('exports each project as files that apply back with no change', async () => {
    for (const project of [SHOP, BEAUTY]) {
      const out = await rouge('export', '--project', project);
      expect(out.code, out.err).toBe(0);
      const file = join(dir, '..', `${Date.now()}-exported-${project}.yaml`);
      writeFileSync(file, out.out);
      try {
        if (project === SHOP) expect(out.out).toMatch(/kind: Recommender/);
        else for (const kind of ['Advertiser', 'Campaign', 'SynonymSet', 'ServiceAccount']) expect(out.out).toMatch(new RegExp(`kind: ${kind}\\b`));
        const plan = await rouge('apply', '-f', file, '--plan', '--source', `exported-${project}`);
        expect(plan.code, `${plan.out}${plan.err}`).toBe(0);
        expect(plan.out).toMatch(/No changes/);
      } finally {
        rmSync(file, { force: true });
      }
    }
  }, CLI_TIMEOUT);

  it('exports the organisation\'s bindings as files that apply back with no change', async () => {
    const out = await rouge('export', '--org');
    expect(out.code, out.err).toBe(0);
    expect(out.out).toMatch(/principal: serviceAccount:scraper-b@beauty\n\s+role: metricsViewer/);
    expect(out.out).not.toMatch(/project:/);
    const file = join(dir, '..', `${Date.now()}-exported-org.yaml`);
    writeFileSync(file, out.out);
    try {
      const plan = await rouge('apply', '-f', file, '--plan', '--source', 'exported-org');
      expect(plan.code, `${plan.out}${plan.err}`).toBe(0);
      expect(plan.out).toMatch(/No changes/);
    } finally {
      rmSync(file, { force: true });
    }
  }, CLI_TIMEOUT);

  it('prunes each kind only with --prune once it leaves the files, and nothing made by hand', async () => {
    expect((await app.inject({ method: 'POST', url: `/v1/projects/${BEAUTY}/advertisers`, payload: { name: 'belmonde', brand: 'Belmonde' } })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: `/v1/projects/${SHOP}/recommenders`, payload: { name: 'byhand', kind: 'popular' } })).statusCode).toBe(200);
    for (const f of ['recommender.yaml', 'advertiser.yaml', 'campaign.yaml', 'synonyms.yaml']) rmSync(join(dir, f));
    writeFileSync(join(dir, 'org.yaml'), readFileSync(join(dir, 'org.yaml'), 'utf8').split('\n---\n').slice(0, 2).join('\n---\n'));

    const kept = await planOf();
    expect(kept.code).toBe(0);
    expect(kept.plan.orphans.map((o) => `${o.kind} ${o.project} ${o.name}`).sort()).toEqual([
      `Advertiser ${BEAUTY} aurelia`,
      'Binding  serviceAccount:scraper-b@beauty|metricsViewer|',
      `Campaign ${BEAUTY} aurelia/spring`,
      `Recommender ${SHOP} home`,
      `SynonymSet ${BEAUTY} synonyms`,
    ]);
    const notPruned = await apply();
    expect(notPruned.err).toMatch(/5 resource\(s\) that commerce applied before are gone from the files; rouge apply --prune deletes them/);
    expect((await get(`/v1/projects/${SHOP}/recommenders/home`)).status).toBe(200);
    expect((await get(`/v1/projects/${BEAUTY}/advertisers/aurelia/campaigns/spring`)).status).toBe(200);
    expect((await get(`/v1/projects/${BEAUTY}/catalog/synonyms`)).body.synonyms).toHaveLength(2);
    expect(await orgBindings()).toContain('serviceAccount:scraper-b@beauty metricsViewer');

    const { code, plan } = await planOf('--prune');
    expect(code).toBe(4);
    // Deletes run against dependency order: the binding first, the campaign before its advertiser.
    expect(changesOf(plan)).toEqual([
      'delete Binding  serviceAccount:scraper-b@beauty|metricsViewer|',
      `delete Campaign ${BEAUTY} aurelia/spring`,
      `delete Recommender ${SHOP} home`,
      `delete Advertiser ${BEAUTY} aurelia`,
      `delete SynonymSet ${BEAUTY} synonyms`,
    ]);
    const pruned = await apply('--prune');
    expect(pruned.out).toMatch(/Applied: 0 created, 0 changed, 0 replaced, 5 deleted\./);
    expect((await get(`/v1/projects/${SHOP}/recommenders/home`)).status).toBe(404);
    expect((await get(`/v1/projects/${BEAUTY}/advertisers/aurelia/campaigns/spring`)).status).toBe(404);
    expect((await get(`/v1/projects/${BEAUTY}/advertisers/aurelia`)).status).toBe(404);
    expect((await get(`/v1/projects/${BEAUTY}/catalog/synonyms`)).body.synonyms).toEqual([]);
    expect(await orgBindings()).not.toContain('serviceAccount:scraper-b@beauty metricsViewer');
    // What was made by hand, and what the files still hold, stay.
    expect((await get(`/v1/projects/${BEAUTY}/advertisers/belmonde`)).status).toBe(200);
    expect((await get(`/v1/projects/${SHOP}/recommenders/byhand`)).status).toBe(200);
    expect((await get(`/v1/projects/${BEAUTY}/serviceAccounts/scraper`)).status).toBe(200);
    expect(((await get('/v1/applyRecords/commerce')).body.resources as unknown[])).toHaveLength(2);
    expect((await planOf('--prune')).code).toBe(0);
  }, CLI_TIMEOUT);
});
