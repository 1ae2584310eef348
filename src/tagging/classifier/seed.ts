import { createHash } from 'node:crypto';
import type { ModelVersion, RegistryFace } from '../../registry/index.js';
import type { VisionPool } from '../vision/pool.js';
import { registerTagger } from './register.js';
import type { Example } from './tagger.js';
import { trainTagger } from './train.js';

/** An image with the product type a person gave it. */
export interface LabelledImage {
  bytes: Buffer;
  label: string;
}

/**
 * Trains a first tagger from labelled images held in memory and registers
 * it with the given aliases: what `rouge tags train --labels` does on a
 * laptop, done in-process (the demo seeds its project's tagger this way).
 * The images go through the vision pool on every core.
 */
export async function trainFromImages(d: { registry: RegistryFace; vision: VisionPool }, project: string, images: readonly LabelledImage[], opts: { model?: string; aliases?: string[]; createdBy: string; description: string }): Promise<ModelVersion> {
  // Four at a time, as embedFiles does: the pool's threads take one each, and a long queue would only wait.
  const examples = new Array<Example>(images.length);
  let next = 0;
  await Promise.all(Array.from({ length: 4 }, async () => {
    while (next < images.length) {
      const i = next++;
      const img = images[i]!;
      examples[i] = { key: createHash('sha256').update(img.bytes).digest('hex'), label: img.label, embeddings: (await d.vision.see(img.bytes)).embeddings };
    }
  }));
  const tagger = trainTagger(examples);
  return registerTagger(d.registry, project, opts.model ?? 'tagger', tagger, {
    aliases: opts.aliases ?? ['champion'], description: opts.description, lineage: {}, createdBy: opts.createdBy,
  });
}
