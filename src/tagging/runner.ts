import type { CatalogFace } from '../catalog/index.js';
import { readPage, type JobContext } from '../platform/index.js';
import type { Analysis, Check, Tag } from './analyze.js';
import { nearDuplicates } from './duplicates.js';
import { decide, DEFAULT_AUDIT_RATE, type LoadedTagger } from './classifier/decide.js';
import { DEFAULT_TAGGER, type TaggerLoader } from './classifier/loader.js';
import { analyzeItemImage, ANALYZER_VERSION, embeddingsOf, type ImageDeps, type ImageOutcome } from './images.js';
import type { Classified, TaggingStore } from './store.js';
import { RUN_INPUT_INVALID } from './errors.js';
import type { ItemTagRow, ResultRow } from './tables.js';

export const TAGGING_JOB = 'tagging.run';
/** Images analysed at once: sharp decodes on libuv's threads, so a few in flight keep every core busy. */
const IN_FLIGHT = 4;

export interface RunPayload {
  itemIds?: string[];
  filter?: string;
  /** The tagger to classify product types with (`tagger@champion` unless given); none when the project has none. */
  tagger?: string;
  /** Share of auto-accepted tags also sent to review (0.02). */
  auditRate?: number;
}

export interface RunDeps extends ImageDeps {
  catalog: CatalogFace;
  /** The project's tags changed: feeds built from them are stale. */
  onTagsChanged?: (project: string) => Promise<void>;
  taggers?: TaggerLoader;
}

/**
 * A tagging run, as a job: every item it names (or every item, or those its
 * filter keeps) has its image analysed and its result stored as it finishes,
 * so a run killed halfway resumes where it stopped, skipping what has a
 * result. A bad image is a per-item error and the run goes on. Last,
 * near-duplicates are found across the whole catalogue's analysed images.
 */
export async function runTagging(d: RunDeps, store: TaggingStore, payload: RunPayload, ctx: JobContext): Promise<Record<string, unknown>> {
  const { project, id: run } = ctx;
  // Resolved once, so every image of a run is judged by the same version even if the alias moves meanwhile.
  const tagger = d.taggers ? await d.taggers.resolve(project, payload.tagger ?? DEFAULT_TAGGER) : undefined;
  if (payload.tagger && !tagger) throw RUN_INPUT_INVALID({ why: `model ${payload.tagger} does not exist in project ${project}` });
  const auditRate = payload.auditRate ?? DEFAULT_AUDIT_RATE;
  const ids = payload.itemIds ?? (await allItems(d.catalog, project, payload.filter));
  const done = await store.doneItems(project, run);
  const todo = ids.filter((id) => !done.has(id));
  let processed = done.size;
  // A resumed run counts the errors of its earlier attempt too.
  let errors = done.size > 0 ? (await store.counts(project, run)).errors : 0;
  let reported = 0;
  const report = async (force = false) => {
    if (!force && Date.now() - reported < 500) return;
    reported = Date.now();
    await ctx.progress({ processed, total: ids.length, errors });
  };
  await report(true);
  let next = 0;
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    while (next < todo.length) {
      if (ctx.signal.aborted) return;
      const batch = todo.slice(next, (next += 1));
      const [item] = await d.catalog.items.getMany(project, batch);
      const outcome: ImageOutcome = item
        ? await analyzeItemImage(d, project, item)
        : { ok: false, code: 'item_not_found', message: `item ${batch[0]} is not in the catalogue` };
      const row = resultRow(project, run, batch[0]!, outcome);
      let classified: Classified | undefined;
      if (tagger && outcome.ok) {
        const c = await classifyImage(d, store, tagger, { project, run, item: batch[0]!, hash: outcome.hash }, outcome.embeddings, auditRate);
        if (c) {
          Object.assign(row, c.columns);
          classified = c.classified;
        }
      }
      await store.putResult(row, outcome.ok ? tagRows(project, run, batch[0]!, outcome.analysis.tags) : [], classified);
      processed++;
      if (!outcome.ok) errors++;
      await report();
    }
  }));
  if (ctx.signal.aborted) return { processed, errors, duplicates: 0 };
  const duplicates = await markDuplicates(store, project, run, new Set(ids));
  await d.onTagsChanged?.(project);
  await report(true);
  const counts = await store.counts(project, run);
  return { processed: counts.ok + counts.errors, errors: counts.errors, duplicates, ...(tagger ? { tagger: tagger.version, ...(await store.classifiedCounts(project, run)) } : {}) };
}

/**
 * The classifier's decision for an analysed image, unless a person accepted
 * or corrected this very image (their decision stands until the image
 * changes); an image they rejected is sent to review again.
 */
async function classifyImage(d: RunDeps, store: TaggingStore, t: LoadedTagger, at: { project: string; run: string; item: string; hash: string }, fresh: Float32Array | undefined, auditRate: number) {
  const decided = await store.reviewed(at.project, at.item, at.hash);
  if (decided === 'accept' || decided === 'correct') return undefined;
  const embeddings = fresh ?? (await embeddingsOf(d, at.project, at.hash));
  // A person rejected what the model said of this image: it goes to a person again, never auto-accepted.
  return embeddings ? decide(t, at, embeddings, auditRate, decided === 'reject') : undefined;
}

async function allItems(catalog: CatalogFace, project: string, filter: string | undefined): Promise<string[]> {
  const out: string[] = [];
  let pageToken: string | undefined;
  do {
    const page = await catalog.items.list(project, filter, readPage({ pageSize: 1000, pageToken }));
    out.push(...page.items.map((i) => i.id));
    pageToken = page.nextPageToken;
  } while (pageToken);
  return out;
}

function resultRow(project: string, run: string, item: string, o: ImageOutcome): ResultRow {
  return {
    predicted_label: null, confidence: null, auto_accepted: null,
    project, run, item, status: o.ok ? 'ok' : 'error', image_hash: o.hash ?? null, error_code: o.ok ? null : o.code, error_message: o.ok ? null : o.message,
    checks: JSON.stringify(o.ok ? o.analysis.checks : []), tags: JSON.stringify(o.ok ? o.analysis.tags : []), time: new Date().toISOString(),
  };
}

function tagRows(project: string, run: string, item: string, tags: readonly Tag[]): ItemTagRow[] {
  const now = new Date().toISOString();
  return tags.map((t) => ({ project, item, source: 'analyzer', name: t.name, value: t.value, confidence: t.confidence ?? null, run, update_time: now }));
}

/**
 * Compares the run's images with every analysed image of the catalogue and
 * records, on each of the run's results, whether it duplicates another item's
 * (a `unique_image` check and a `duplicate_of` tag). Idempotent: a resumed run does it again.
 */
async function markDuplicates(store: TaggingStore, project: string, run: string, inRun: Set<string>): Promise<number> {
  const rows = await store.db.selectFrom('item_images as ii')
    .innerJoin('tagging_images as ti', (j) => j.onRef('ti.project', '=', 'ii.project').onRef('ti.hash', '=', 'ii.hash'))
    .select(['ii.item', 'ti.analysis']).where('ii.project', '=', project).where('ti.analyzer', '=', ANALYZER_VERSION).where('ti.analysis', 'is not', null).execute();
  const images = rows.flatMap((r) => {
    const fp = (JSON.parse(r.analysis!) as Analysis).fingerprint;
    return fp ? [{ item: r.item, dhash: fp.dhash, ...(fp.thumb ? { thumb: fp.thumb } : {}), rgb: fp.rgb }] : [];
  });
  // Only the run's images are compared (with every image of the catalogue), not every pair again.
  const dupes = await nearDuplicates(images, inRun);
  let found = 0;
  for (const r of await store.results(project, run, 1_000_000)) {
    if (r.status !== 'ok' || !inRun.has(r.item)) continue;
    const others = dupes.get(r.item) ?? [];
    const checks = (JSON.parse(r.checks) as Check[]).filter((c) => c.name !== 'unique_image');
    checks.push({ name: 'unique_image', passed: others.length === 0, detail: others.length === 0 ? 'no near-duplicate in the catalogue' : `a near-duplicate of ${others.slice(0, 5).join(', ')}` });
    const tags = (JSON.parse(r.tags) as Tag[]).filter((t) => t.name !== 'duplicate_of');
    if (others.length > 0) {
      tags.push({ name: 'duplicate_of', value: others.slice(0, 5).join(',') });
      found++;
    }
    await store.putResult({ ...r, checks: JSON.stringify(checks), tags: JSON.stringify(tags) }, tagRows(project, run, r.item, tags));
  }
  return found;
}
