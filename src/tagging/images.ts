import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { BlobStore } from '../platform/index.js';
import type { AddressPolicy } from '../platform/index.js';
import { analyzeImage, ImageError, type Analysis } from './analyze.js';
import { DEFAULT_LIMITS, fetchImage, FetchError } from './fetch-image.js';
import type { ChannelRules } from './rules.js';
import type { TaggingStore } from './store.js';
import type { TextReader } from './text-reader.js';
import type { Seen } from './vision/backbone.js';
import type { VisionPool } from './vision/pool.js';

/** Bumped when the analyzers change what they find: images are then analysed again. */
export const ANALYZER_VERSION = 'a5';

export type ImageOutcome = { ok: true; hash: string; analysis: Analysis; embeddings?: Float32Array } | { ok: false; hash?: string; code: string; message: string };

export interface ImageDeps {
  store: TaggingStore;
  blobs: BlobStore;
  policy: AddressPolicy;
  rules: ChannelRules;
  /** URLs the deployment trusts whatever their address (the demo's own images). */
  trusted: (u: URL) => boolean;
  /** OCR for promotional text and watermarks; without it those checks are not made. */
  reader?: TextReader;
  /** The backbone (safe-content scores and the classifier's embeddings); without it neither is computed. */
  vision?: VisionPool;
}

/** Where an image's bytes live in the blob store: by content, so each is kept once. */
export function imageKey(project: string, hash: string): string {
  return `images/${project}/${hash.slice(0, 2)}/${hash}`;
}

/**
 * An item's image, analysed: its uploaded image if it has one, else its
 * imageLink fetched safely. The bytes are stored once by content hash and
 * analysed once per content (and analyzer version): an unchanged image costs
 * a fetch and a lookup, not an analysis. Every failure is an outcome with a
 * code, never a throw, so one bad image does not stop a run.
 */
export async function analyzeItemImage(d: ImageDeps, project: string, item: { id: string; imageLink?: string }): Promise<ImageOutcome> {
  const uploaded = await d.store.itemImage(project, item.id);
  let bytes: Buffer;
  let contentType = '';
  if (uploaded?.source === 'upload') {
    bytes = await readAll(d.blobs, imageKey(project, uploaded.hash));
    contentType = uploaded.content_type;
  } else {
    if (!item.imageLink) return { ok: false, code: 'no_image', message: 'the item has no imageLink and no uploaded image' };
    try {
      const got = await fetchImage(item.imageLink, d.policy, DEFAULT_LIMITS, d.trusted);
      bytes = got.bytes;
      contentType = got.contentType;
    } catch (e) {
      if (e instanceof FetchError) return { ok: false, code: e.code, message: `${item.imageLink.slice(0, 200)}: ${e.message}` };
      return { ok: false, code: 'network', message: `${item.imageLink.slice(0, 200)}: ${(e as Error).message}` };
    }
  }
  const hash = createHash('sha256').update(bytes).digest('hex');
  const known = await d.store.image(project, hash, ANALYZER_VERSION);
  if (known) {
    if (uploaded?.source !== 'upload') await remember(d, project, item, hash, contentType);
    return known.analysis ? { ok: true, hash, analysis: JSON.parse(known.analysis) as Analysis } : { ok: false, hash, code: known.error_code ?? 'corrupt', message: known.error_message ?? '' };
  }
  if (!(await d.blobs.head(imageKey(project, hash)))) await d.blobs.put(imageKey(project, hash), Readable.from([bytes]), { contentType });
  if (uploaded?.source !== 'upload') await remember(d, project, item, hash, contentType);
  const now = new Date().toISOString();
  try {
    let seen: Seen | undefined;
    const vision = d.vision;
    const analysis = await analyzeImage(bytes, d.rules, d.reader, vision ? async () => (seen = await vision.see(bytes)).safety : undefined);
    if (seen) await d.store.putEmbeddings(project, hash, seen.embeddings);
    await d.store.putImage({ project, hash, analyzer: ANALYZER_VERSION, analysis: JSON.stringify(analysis), error_code: null, error_message: null, create_time: now });
    return { ok: true, hash, analysis, ...(seen ? { embeddings: seen.embeddings } : {}) };
  } catch (e) {
    // A failure of the analyzers themselves (OCR or the model failing to start) is this image's
    // error, not the run's, and is not remembered: the next run analyses the image again.
    if (!(e instanceof ImageError)) return { ok: false, hash, code: 'analysis_failed', message: `the analyzers failed: ${(e as Error).message.slice(0, 200)}` };
    const message = contentType && !contentType.startsWith('image/') ? `${e.message}; the server sent ${contentType.slice(0, 60)}` : e.message;
    await d.store.putImage({ project, hash, analyzer: ANALYZER_VERSION, analysis: null, error_code: e.code, error_message: message, create_time: now });
    return { ok: false, hash, code: e.code, message };
  }
}

/**
 * The backbone's embeddings of a stored image, for the classifier: read when
 * its analysis computed them, else computed now from its stored bytes (an
 * image analysed before the classifier existed) and kept.
 */
export async function embeddingsOf(d: ImageDeps, project: string, hash: string): Promise<Float32Array | undefined> {
  const known = await d.store.embeddings(project, hash);
  if (known || !d.vision) return known;
  const seen = await d.vision.see(await readAll(d.blobs, imageKey(project, hash)));
  await d.store.putEmbeddings(project, hash, seen.embeddings);
  return seen.embeddings;
}

async function remember(d: ImageDeps, project: string, item: { id: string; imageLink?: string }, hash: string, contentType: string): Promise<void> {
  await d.store.putItemImage({ project, item: item.id, hash, source: 'link', link: item.imageLink ?? null, content_type: contentType || 'application/octet-stream', update_time: new Date().toISOString() });
}

async function readAll(blobs: BlobStore, key: string): Promise<Buffer> {
  const { body } = await blobs.get(key);
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
