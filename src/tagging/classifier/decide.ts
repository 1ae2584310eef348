import { createHash } from 'node:crypto';
import { ulid } from 'ulid';
import type { Classified } from '../store.js';
import type { ItemTagRow } from '../tables.js';
import type { PredictionColumns, ReviewTaskRow } from './tables.js';
import { classify, type Tagger } from './tagger.js';
import type { ClassMapping } from './taxonomy.js';

/** The item tags a product-type decision sets: the label, and what it maps to in the channels' terms. */
export const PRODUCT_TAGS = ['product_class', 'google_product_category', 'product_type'] as const;

/** Share of auto-accepted tags also sent to review, so their precision is measured rather than assumed. */
export const DEFAULT_AUDIT_RATE = 0.02;

/** A tagger version loaded for a run. */
export interface LoadedTagger {
  /** projects/p/models/m/versions/n */
  version: string;
  tagger: Tagger;
}

/** The tags a class stands for, with one confidence. */
export function productTags(m: ClassMapping, confidence?: number): Array<{ name: string; value: string; confidence?: number }> {
  const c = confidence === undefined ? {} : { confidence: Math.round(confidence * 1e4) / 1e4 };
  return [
    { name: 'product_class', value: m.label, ...c },
    ...(m.googleProductCategory ? [{ name: 'google_product_category', value: m.googleProductCategory, ...c }] : []),
    { name: 'product_type', value: m.productType, ...c },
  ];
}

/**
 * What a run does with one image's prediction: at or above its class's
 * threshold the tags go on the item (source `model`), and a deterministic
 * sample of those (by run and item) is also queued for review as an audit;
 * below it (or with `forceReview`), nothing goes on the item and a person is asked.
 */
export function decide(t: LoadedTagger, at: { project: string; run: string; item: string; hash: string }, embeddings: Float32Array, auditRate: number, forceReview = false): { columns: PredictionColumns; classified: Classified } {
  const c = classify(t.tagger, embeddings);
  const p = forceReview ? { ...c, autoAccept: false } : c;
  const now = new Date().toISOString();
  const proposed = productTags(p.mapping, p.confidence);
  const audited = p.autoAccept && sampled(at.run, at.item, auditRate);
  const task: ReviewTaskRow | undefined = p.autoAccept && !audited ? undefined : {
    project: at.project, id: ulid(), run: at.run, item: at.item, image_hash: at.hash, kind: p.autoAccept ? 'audit' : 'uncertain', model_version: t.version,
    proposed: JSON.stringify(proposed), choices: JSON.stringify(t.tagger.classes), state: 'pending', decision: null, tags: null, resolved_by: null, create_time: now, resolve_time: null,
  };
  const tags: ItemTagRow[] = p.autoAccept
    ? proposed.map((g) => ({ project: at.project, item: at.item, source: 'model', name: g.name, value: g.value, confidence: g.confidence ?? null, run: at.run, update_time: now }))
    : [];
  return {
    columns: { predicted_label: p.label, confidence: Math.round(p.confidence * 1e4) / 1e4, auto_accepted: p.autoAccept ? 1 : 0 },
    classified: { tags, names: PRODUCT_TAGS, modelVersion: t.version, ...(task ? { task } : {}) },
  };
}

/** Whether an item of a run falls in the audit sample: a hash, so a resumed run samples the same items. */
function sampled(run: string, item: string, rate: number): boolean {
  if (rate <= 0) return false;
  return createHash('sha256').update(`${run}\n${item}`).digest().readUInt32BE(0) / 2 ** 32 < rate;
}
