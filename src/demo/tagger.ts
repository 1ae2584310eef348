import type { CatalogFace } from '../catalog/index.js';
import type { RegistryFace } from '../registry/index.js';
import type { LabelledImage, TaggingFace } from '../tagging/index.js';
import { demoImagePng } from './image.js';
import { isReason } from './load.js';

/**
 * The product types a person would give the demo's images, by category:
 * the classifier's labels (Lips, Eyes, Nails, Makeup for the face, Fragrance,
 * Skin Care), each with a category filter.
 */
const LABELS: ReadonlyArray<readonly [label: string, category: string]> = [
  ['Lips', 'Makeup > Lips'], ['Eyes', 'Makeup > Eyes'], ['Nails', 'Makeup > Nails'],
  ['Makeup', 'Makeup > Face'], ['Fragrance', 'Fragrance'], ['Skin Care', 'Skin Care'],
];
/**
 * Labelled images per type, as a merchant's first hand-labelled set: enough
 * for a tagger that is right about 9 times in 10, too few held-out examples
 * for any class to clear the 95 % precision bar, so the first run sends every
 * image to review (the demo has a queue to work through) and a retrain from
 * the decisions starts accepting on its own.
 */
const PER_LABEL = 16;

/**
 * Seeds the demo's product-type tagger (tagger@champion) from a few images
 * of each type, as a merchant would start from a small hand-labelled set, so
 * the first analysis run classifies every image and queues the uncertain
 * ones for review. Once per store: a tagger already there is kept.
 */
export async function loadDemoTagger(deps: { catalog: CatalogFace; registry: RegistryFace; tagging: TaggingFace; log: (line: string) => void }, project: string): Promise<void> {
  const exists = await deps.registry.versions.resolveVersion(project, 'tagger', 'champion').then(() => true, (e: unknown) => {
    if (isReason(e, 'MODEL_NOT_FOUND') || isReason(e, 'MODEL_VERSION_NOT_FOUND')) return false;
    throw e;
  });
  if (exists) return;
  const images: LabelledImage[] = [];
  for (const [label, category] of LABELS) {
    const { items } = await deps.catalog.items.list(project, `category = "${category}"`, { pageSize: PER_LABEL, after: undefined });
    for (const item of items) images.push({ label, bytes: await demoImagePng({ ...item, attributes: item.attributes as Record<string, string | number | boolean> }) });
  }
  deps.log(`demo: training the product-type tagger on ${images.length} labelled images`);
  await deps.tagging.trainFromImages(project, images, { createdBy: 'system:demo', description: `the demo's first tagger: ${PER_LABEL} labelled images per product type` });
}
