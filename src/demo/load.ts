import type { CatalogFace } from '../catalog/index.js';
import { RougeError, type Jobs, type ProjectService } from '../platform/index.js';
import { KINDS, TRAIN_JOB, type PlacementsFace } from '../placements/index.js';
import type { RegistryFace } from '../registry/index.js';
import { generateCatalog } from './catalog.js';
import { generateEvents } from './events.js';
import type { DemoEvent, DemoOptions } from './types.js';
import { waitFor } from './wait.js';

/** The demo project's name. */
export const DEMO_PROJECT = 'demo';
const BATCH = 1000;

export interface DemoDeps {
  projects: ProjectService;
  catalog: CatalogFace;
  registry: RegistryFace;
  placements: PlacementsFace;
  jobs: Jobs;
  log: (line: string) => void;
}

/** Whether `e` is the API error with this reason (the demo treats "already there" as done). */
export const isReason = (e: unknown, reason: string) => e instanceof RougeError && e.reason === reason;

/**
 * Loads the demo project step by step, each step skipped when its result is
 * there already, so a start interrupted halfway finishes the load on the next
 * start instead of leaving a broken demo: the project, the catalogue, the
 * shopping sessions, a model trained on them (alias `champion`), and one
 * recommender per kind named after it.
 */
export async function loadDemo(deps: DemoDeps, options: DemoOptions): Promise<{ created: boolean }> {
  const { projects, catalog, registry, placements, jobs, log } = deps;
  const p = DEMO_PROJECT;
  let created = false;
  try {
    await projects.get(p);
  } catch (e) {
    if (!isReason(e, 'PROJECT_NOT_FOUND')) throw e;
    await projects.create({ name: p, displayName: 'Demo beauty shop' });
    created = true;
  }
  const items = generateCatalog(options);
  if ((await catalog.items.count(p)) < items.length) {
    log(`demo: writing ${items.length} catalogue items`);
    // DemoItem is the item API's shape; the service's parameter type is the schema's, which TypeScript reads loosely.
    for (const item of items) await catalog.items.upsert(p, item.id, item as unknown as Parameters<CatalogFace['items']['upsert']>[2]);
  }
  if ((await catalog.events.count(p)) === 0) {
    let batch: DemoEvent[] = [];
    let n = 0;
    for (const e of generateEvents(items, options)) {
      batch.push(e);
      if (batch.length === BATCH) {
        n += (await catalog.events.write(p, batch)).written;
        batch = [];
      }
    }
    if (batch.length > 0) n += (await catalog.events.write(p, batch)).written;
    log(`demo: wrote ${n} shopping events`);
  }
  const trained = await registry.versions.resolveVersion(p, 'recs', 'champion').then(() => true, (e: unknown) => {
    if (isReason(e, 'MODEL_NOT_FOUND') || isReason(e, 'MODEL_VERSION_NOT_FOUND')) return false;
    throw e;
  });
  if (!trained) {
    log('demo: training the recommendation model');
    const op = await jobs.enqueue(p, TRAIN_JOB, { alias: 'champion' });
    await waitFor(jobs, p, op.name, 'training the demo model');
  }
  for (const kind of KINDS) {
    await placements.recommenders.create(p, { name: kind, kind, model: 'recs@champion', fields: ['title', 'brand', 'price', 'imageLink'] }).catch((e: unknown) => {
      if (!isReason(e, 'RECOMMENDER_ALREADY_EXISTS')) throw e;
    });
  }
  return { created };
}
