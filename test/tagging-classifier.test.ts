/**
 * The product-type classifier end to end on both stores: a tagger trained
 * through the real network (nsfwjs's MobileNetV2 on the vision threads) on
 * generated packshots, registered as a rouge-tagger version, used by a
 * tagging run (auto-accepted tags, review tasks, an audit sample), decisions
 * through the review API, the savings report, and a retrain from decisions.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateTagger, serializeTagger, trainTagger, VisionPool, type Example, type Tagger } from '../src/tagging/index.js';
import { finished } from './catalog-helpers.js';
import { KINDS, shot, type Kind } from './fixtures/packshots.js';
import { buildTestApp } from './helpers/app.js';
import { multipart } from './helpers/multipart.js';
import { reasonOf } from './helpers/registry.js';
import { STORE_KINDS } from './helpers/stores.js';

const P = 'looks';
let pool: VisionPool;
let trained: Tagger;
let heldOut: Example[];

async function examples(seeds: number[]): Promise<Example[]> {
  const out: Example[] = [];
  for (const kind of KINDS) {
    for (const s of seeds) {
      const bytes = await shot(kind, s);
      out.push({ key: createHash('sha256').update(bytes).digest('hex'), label: kind, embeddings: (await pool.see(bytes)).embeddings });
    }
  }
  return out;
}

beforeAll(async () => {
  pool = new VisionPool();
  trained = trainTagger(await examples(Array.from({ length: 22 }, (_, i) => i + 1)));
  heldOut = await examples([101, 102, 103, 104]);
}, 180_000);
afterAll(() => pool?.close());

describe('a tagger trained on generated packshots through the real network', () => {
  it('tells the kinds apart on images it never saw, with calibrated confidence and thresholds chosen on held-out data', () => {
    expect(trained.classes.map((c) => c.label)).toEqual(['Fragrance', 'Lips', 'Nails']);
    expect(trained.classes.find((c) => c.label === 'Lips')).toMatchObject({ googleProductCategory: '2645' });
    expect(trained.validation.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(trained.temperature).toBeGreaterThan(0);
    const r = evaluateTagger(trained, heldOut);
    expect(r.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(Object.keys(r.perClass)).toEqual(['Fragrance', 'Lips', 'Nails']);
    expect(r.perClass.Lips!.support).toBe(4);
  });
});

describe.each(STORE_KINDS)('classifier and review loop on %s', (storeKind) => {
  let app: FastifyInstance;
  let run1: string;
  const items: Array<{ id: string; kind: Kind; bytes: Buffer }> = [];
  const tagsOf = async (id: string) => (await app.inject({ url: `/v1/projects/${P}/catalog/items/${id}/tags` })).json().tags as Array<{ name: string; value: string; source: string; confidence?: number }>;
  const tasks = async (q = '') => (await app.inject({ url: `/v1/projects/${P}/tagging/reviewTasks?pageSize=100${q}` })).json().reviewTasks as Array<{ id: string; itemId: string; kind: string; state: string; imageUri: string; proposedTags: Array<{ name: string; value: string }>; decision?: string }>;
  const resolve = (id: string, body: object) => app.inject({ method: 'POST', url: `/v1/projects/${P}/tagging/reviewTasks/${id}:resolve`, payload: body });
  const startRun = async (body: object) => {
    const res = await app.inject({ method: 'POST', url: `/v1/projects/${P}/tagging/runs`, payload: body });
    expect(res.statusCode, res.body).toBe(200);
    const op = await finished(app, res.json().name, 120_000);
    expect(op.error, JSON.stringify(op.error)).toBeUndefined();
    return { id: (res.json().name as string).split('/').pop()!, response: op.response as Record<string, unknown> };
  };

  beforeAll(async () => {
    app = await buildTestApp(storeKind, { maxArtifactBytes: 64 * 1024 * 1024 }, { workerPollMs: 10 });
    expect((await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: P } })).statusCode).toBe(200);
    for (const kind of KINDS) {
      for (const s of [201, 202]) {
        const id = `${kind.toLowerCase()}-${s}`;
        const bytes = await shot(kind, s);
        items.push({ id, kind, bytes });
        expect((await app.inject({ method: 'PUT', url: `/v1/projects/${P}/catalog/items/${id}`, payload: { title: `${kind} ${s}`, brand: 'Aurelia', categoryPath: ['Beauty'] } })).statusCode).toBe(200);
        expect((await app.inject({ method: 'POST', url: `/v1/projects/${P}/catalog/items/${id}/image`, headers: { 'content-type': 'image/png' }, payload: bytes })).statusCode).toBe(200);
      }
    }
    expect((await app.inject({ method: 'POST', url: `/v1/projects/${P}/models`, payload: { name: 'tagger' } })).statusCode).toBe(200);
  }, 120_000);
  afterAll(() => app?.close());

  it('registers a rouge-tagger version, showing its classes and thresholds, and refuses an artifact that is not one', async () => {
    // Lips and Fragrance always auto-accepted, Nails never: the test decides, not the luck of a threshold.
    const idx = (l: string) => trained.classes.findIndex((c) => c.label === l);
    const tagger: Tagger = { ...trained, thresholds: trained.classes.map((c) => (c.label === 'Nails' ? 1.01 : 0)) };
    expect(idx('Nails')).toBeGreaterThanOrEqual(0);
    const bad = multipart([{ name: 'metadata', value: '{"framework":"rouge-tagger"}' }, { name: 'artifact', filename: 't.json', data: Buffer.from('{"format":"rouge-recs"}') }]);
    const refused = await app.inject({ method: 'POST', url: `/v1/projects/${P}/models/tagger/versions`, ...bad });
    expect(refused.statusCode).toBe(400);
    expect(reasonOf(refused)).toBe('ARTIFACT_INVALID');
    expect(refused.json().error.message).toMatch(/rouge tags train/);
    const { payload, headers } = multipart([{ name: 'metadata', value: JSON.stringify({ framework: 'rouge-tagger', aliases: ['champion'] }) }, { name: 'artifact', filename: 'tagger.json', data: serializeTagger(tagger) }]);
    const res = await app.inject({ method: 'POST', url: `/v1/projects/${P}/models/tagger/versions`, headers, payload });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().metadata).toMatchObject({ thresholds: [0, 0, 1.01], examples: 66 });
  });

  it('auto-accepts what clears its threshold, sends the rest to review, and samples accepted tags for audit', async () => {
    const r = await startRun({ auditRate: 1 });
    run1 = r.id;
    expect(r.response).toMatchObject({ tagger: `projects/${P}/models/tagger/versions/1`, classified: 6, autoAccepted: 4, sentToReview: 2, audited: 4 });
    const lips = await tagsOf('lips-201');
    expect(lips.filter((t) => t.source === 'model').map((t) => [t.name, t.value])).toEqual(expect.arrayContaining([['product_class', 'Lips'], ['google_product_category', '2645'], ['product_type', expect.stringContaining('Lip Makeup')]]));
    expect(lips.find((t) => t.name === 'product_class')!.confidence).toBeGreaterThan(0.5);
    expect((await tagsOf('nails-201')).filter((t) => t.source === 'model')).toEqual([]);
    const pending = await tasks();
    expect(pending.filter((t) => t.kind === 'uncertain').map((t) => t.itemId).sort()).toEqual(['nails-201', 'nails-202']);
    expect(pending.filter((t) => t.kind === 'audit')).toHaveLength(4);
    const nails = pending.find((t) => t.itemId === 'nails-201')!;
    expect(nails.proposedTags.find((t) => t.name === 'product_class')!.value).toBe('Nails');
    const img = await app.inject({ url: nails.imageUri });
    expect(img.statusCode).toBe(200);
    expect(img.headers['content-type']).toBe('image/png');
    expect(img.rawPayload.equals(items.find((i) => i.id === 'nails-201')!.bytes)).toBe(true);
  }, 240_000);

  it('records decisions: accept and correct set reviewed tags, reject removes the model\'s, and a decision is final', async () => {
    const pending = await tasks();
    const of = (item: string, kind: string) => pending.find((t) => t.itemId === item && t.kind === kind)!;
    const accepted = await resolve(of('nails-201', 'uncertain').id, { decision: 'accept' });
    expect(accepted.statusCode, accepted.body).toBe(200);
    const wrong = await resolve(of('nails-202', 'uncertain').id, { decision: 'correct', tags: [{ name: 'product_class', value: 'Shoes' }] });
    expect(wrong.statusCode).toBe(400);
    expect(reasonOf(wrong)).toBe('REVIEW_DECISION_INVALID');
    expect(wrong.json().error.message).toMatch(/Fragrance, Lips, Nails/);
    expect(reasonOf(await resolve(of('nails-202', 'uncertain').id, { decision: 'accept', tags: [{ name: 'product_class', value: 'Lips' }] }))).toBe('REVIEW_DECISION_INVALID');
    const corrected = await resolve(of('nails-202', 'uncertain').id, { decision: 'correct', tags: [{ name: 'product_class', value: 'Fragrance' }] });
    expect(corrected.statusCode, corrected.body).toBe(200);
    expect(corrected.json()).toMatchObject({ state: 'resolved', decision: 'correct', resolvedBy: expect.any(String) });
    expect((await resolve(of('lips-201', 'audit').id, { decision: 'accept' })).statusCode).toBe(200);
    expect((await resolve(of('lips-202', 'audit').id, { decision: 'accept' })).statusCode).toBe(200);
    expect((await resolve(of('fragrance-201', 'audit').id, { decision: 'reject' })).statusCode).toBe(200);
    const again = await resolve(of('nails-201', 'uncertain').id, { decision: 'reject' });
    expect(again.statusCode).toBe(409);
    expect(reasonOf(again)).toBe('REVIEW_TASK_RESOLVED');
    expect((await app.inject({ method: 'POST', url: `/v1/projects/${P}/tagging/reviewTasks/01ARZ3NDEKTSV4RRFFQ69G5FAV:resolve`, payload: { decision: 'accept' } })).statusCode).toBe(404);
    const reviewed = (id: string) => tagsOf(id).then((t) => t.filter((x) => x.source === 'review').map((x) => [x.name, x.value]));
    expect(await reviewed('nails-201')).toEqual(expect.arrayContaining([['product_class', 'Nails'], ['google_product_category', '2683']]));
    expect(await reviewed('nails-202')).toEqual(expect.arrayContaining([['product_class', 'Fragrance'], ['google_product_category', '479']]));
    expect((await tagsOf('fragrance-201')).filter((t) => t.source === 'model')).toEqual([]);
    expect((await tagsOf('fragrance-202')).filter((t) => t.source === 'model')).toHaveLength(3);
  });

  it('reports the run\'s savings with the precision measured on the audited sample', async () => {
    const res = await app.inject({ url: `/v1/projects/${P}/tagging/runs/${run1}/savings?manualSecondsPerImage=60&reviewSecondsPerImage=6` });
    expect(res.statusCode, res.body).toBe(200);
    const s = res.json();
    expect(s).toMatchObject({ imagesProcessed: 6, classified: 6, autoAccepted: 4, autoAcceptedShare: 0.6667, sentToReview: 2, sentToReviewShare: 0.3333 });
    expect(s.audit).toMatchObject({ sampled: 4, reviewed: 3, confirmed: 2, measuredPrecision: 0.6667 });
    expect(s.audit.interval95[0]).toBeLessThan(0.6667);
    expect(s.reviewQueue).toEqual({ pending: 1, resolved: 5 });
    // 6 images by hand at 60 s against 6 reviews (2 uncertain + 4 audits) at 6 s.
    expect(s.manualWorkAvoided.hours).toBeCloseTo((6 * 60 - 6 * 6) / 3600, 4);
    expect(s.costPer1000Images).toMatchObject({ cloudVisionLabelDetection: 1.5, rekognitionDetectLabels: 1, currency: 'USD' });
    expect((await app.inject({ url: `/v1/projects/${P}/tagging/runs/${run1}/savings?vcpus=0` })).statusCode).toBe(400);
  });

  it('leaves a person\'s decision standing on the next run, and learns from the decisions in a retrain', async () => {
    const r = await startRun({ auditRate: 0 });
    // The four images a person accepted or corrected are not classified again; the other two are.
    expect(r.response).toMatchObject({ classified: 2 });
    // The image whose proposal was rejected goes to a person again rather than being auto-accepted;
    // fragrance-202's audit task, still pending for the same image and tagger, is kept, not replaced.
    const pending = await tasks(`&runId=${r.id}`);
    expect(pending.map((t) => [t.itemId, t.kind])).toEqual([['fragrance-201', 'uncertain']]);
    expect((await tagsOf('fragrance-201')).filter((t) => t.source === 'model')).toEqual([]);
    expect((await tasks()).filter((t) => t.itemId === 'fragrance-202').map((t) => t.kind)).toEqual(['audit']);
    const res = await app.inject({ method: 'POST', url: `/v1/projects/${P}/tagging/taggers:train`, payload: {} });
    expect(res.statusCode, res.body).toBe(200);
    const op = await finished(app, res.json().name, 120_000);
    expect(op.error, JSON.stringify(op.error)).toBeUndefined();
    expect(op.response).toMatchObject({ modelVersion: `projects/${P}/models/tagger/versions/2`, versionAliases: ['champion'], decisions: 4, examples: 70, from: `projects/${P}/models/tagger/versions/1` });
  }, 240_000);
});
