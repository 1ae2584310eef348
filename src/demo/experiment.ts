import { Readable } from 'node:stream';
import type { CatalogFace } from '../catalog/index.js';
import { RougeError, type Jobs } from '../platform/index.js';
import type { PlacementsFace } from '../placements/index.js';
import type { RegistryFace } from '../registry/index.js';
import type { ServingFace } from '../serving/index.js';
import { Random } from './random.js';
import { RANKER_ONNX } from './ranker.js';
import { waitFor } from './wait.js';

/** The demo's experiment: `for-you` split between the champion model and the same re-ranked by the demo's model. */
export const DEMO_EXPERIMENT = {
  unit: 'userId' as const,
  variants: [{ name: 'control', weight: 50 }, { name: 'rerank', weight: 50, rerank: { endpoint: 'ranker', topK: 50, budgetMs: 50 } }],
};
/** Shoppers whose simulated visits give the report its numbers. */
const SHOPPERS = 400;
const SLOTS = 8;

export interface ExperimentDeps {
  catalog: CatalogFace;
  registry: RegistryFace;
  serving: ServingFace;
  placements: PlacementsFace;
  jobs: Jobs;
  log: (line: string) => void;
}

const isReason = (e: unknown, ...reasons: string[]) => e instanceof RougeError && reasons.includes(e.reason);

/**
 * The demo's A/B test, each step skipped when done: the re-ranking model
 * `ranker@champion` registered and deployed on endpoint `ranker`, the `for-you`
 * recommender running DEMO_EXPERIMENT, and simulated visits: 400 signed-in
 * shoppers each shown `for-you`, with impressions, clicks, add-to-carts and
 * purchases sent back with the recommendation id. The simulated shoppers
 * click more on items of the categories they browse, which the demo ranker
 * favours, so the report shows the re-ranked variant ahead. The visits are
 * generated, and the docs say so.
 */
export async function loadDemoExperiment(deps: ExperimentDeps, project: string, seed: number): Promise<void> {
  const { catalog, registry, serving, placements, jobs, log } = deps;
  await registry.versions.resolveVersion(project, 'ranker', 'champion').catch(async (e: unknown) => {
    if (!isReason(e, 'MODEL_NOT_FOUND', 'MODEL_VERSION_NOT_FOUND')) throw e;
    await registry.models.create(project, { name: 'ranker', description: 'The demo\'s re-ranking model: a logistic regression over the seven re-ranking features' }).catch((err: unknown) => {
      if (!isReason(err, 'MODEL_ALREADY_EXISTS')) throw err;
    });
    await registry.versions.create(project, 'ranker', { framework: 'onnx', aliases: ['champion'] }, Readable.from([RANKER_ONNX]), 'system:demo');
  });
  const endpoint = await serving.endpoints.get(project, 'ranker').catch(async (e: unknown) => {
    if (!isReason(e, 'ENDPOINT_NOT_FOUND')) throw e;
    return serving.endpoints.create(project, { name: 'ranker', displayName: 'Demo re-ranker' });
  });
  if (endpoint.deployedModels.length === 0) {
    log('demo: deploying the re-ranking model on endpoint ranker');
    const op = await serving.endpoints.deployModel(project, 'ranker', { model: 'ranker@champion' }, { '0': 100 }, 'system:demo');
    await waitFor(jobs, project, op.name, 'deploying the demo re-ranker');
  }
  const forYou = await placements.recommenders.get(project, 'for-you');
  if (!forYou.experiment) await placements.recommenders.update(project, 'for-you', { experiment: DEMO_EXPERIMENT }, ['experiment']);
  const to = new Date();
  const from = new Date(to.getTime() - 30 * 86_400_000);
  for await (const _ of catalog.events.attributed(project, '.for-you.', from.toISOString(), to.toISOString())) return;
  log(`demo: simulating ${SHOPPERS} shoppers' visits for the for-you experiment`);
  await simulateVisits(deps, project, seed);
}

async function simulateVisits(deps: ExperimentDeps, project: string, seed: number): Promise<void> {
  const { catalog, placements } = deps;
  const random = new Random(seed, 77);
  const now = Date.now();
  const events: Parameters<CatalogFace['events']['write']>[1] = [];
  for (let u = 1; u <= SHOPPERS; u++) {
    const userId = `user-${u}`;
    const browsed = new Map<string, number>();
    const recent = await catalog.events.recent(project, { userId }, 50);
    const ids = [...new Set(recent.flatMap((e) => e.itemIds ?? []))];
    for (const item of await catalog.items.getMany(project, ids)) browsed.set(item.categoryPath.join(' > '), (browsed.get(item.categoryPath.join(' > ')) ?? 0) + 1);
    const r = await placements.recommender.recommend(project, 'for-you', { userId, limit: SLOTS, fields: ['categoryPath', 'price'] });
    const at = now - Math.floor(random.next() * 6 * 86_400_000);
    const time = (k: number) => new Date(at + k * 1000).toISOString();
    r.items.forEach((item, rank) => {
      const base = { userId, itemIds: [item.id], recommendationId: r.recommendationId };
      events.push({ ...base, eventId: `ab-${u}-imp-${rank}`, type: 'impression', eventTime: time(rank) });
      const category = (item.categoryPath as string[]).join(' > ');
      const affinity = recent.length > 0 ? (browsed.get(category) ?? 0) / ids.length : 0;
      // The simulated shopper: a little position bias, much more pull from the categories they browse.
      if (random.next() >= 0.02 + 0.02 * (rank < 3 ? 1 : 0) + 0.25 * affinity) return;
      events.push({ ...base, eventId: `ab-${u}-click-${rank}`, type: 'click', eventTime: time(rank + 20) });
      if (random.next() < 0.4) events.push({ ...base, eventId: `ab-${u}-cart-${rank}`, type: 'add_to_cart', eventTime: time(rank + 40) });
      const price = item.price as { amount: number; currency: string } | undefined;
      if (price && random.next() < 0.2) events.push({ ...base, eventId: `ab-${u}-buy-${rank}`, type: 'purchase', eventTime: time(rank + 60), value: price });
    });
  }
  for (let i = 0; i < events.length; i += 1000) await catalog.events.write(project, events.slice(i, i + 1000));
}
