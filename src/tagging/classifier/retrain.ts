import type { JobContext } from '../../platform/index.js';
import type { RegistryFace } from '../../registry/index.js';
import * as errors from '../errors.js';
import { embeddingsOf, type ImageDeps } from '../images.js';
import type { TaggerLoader } from './loader.js';
import type { ReviewStore } from './review-store.js';
import type { Example } from './tagger.js';
import { registerTagger } from './register.js';
import { trainTagger } from './train.js';

export const TAGGER_TRAIN_JOB = 'tagging.tagger.train';

export interface TaggerTrainPayload {
  model?: string;
  alias?: string;
  from?: string;
  /** False from a pipeline's train-tagger step: register the version, move no alias (a later step decides). */
  moveAlias?: boolean;
  /** Set by a pipeline step: the version's lineage. */
  pipelineRun?: string;
}

export interface RetrainDeps {
  registry: RegistryFace;
  taggers: TaggerLoader;
  reviews: ReviewStore;
  images: ImageDeps;
}

/**
 * Learns from what reviewers decided: the examples of the version `from`
 * names (tagger@champion), with every accepted or corrected review on top (a
 * person's label wins over an earlier one for the same image), trained with
 * the production defaults and registered as a new rouge-tagger version, the
 * alias moved to it. The version is written in one step at the end: a run
 * killed halfway changes nothing.
 */
export async function runRetrain(d: RetrainDeps, payload: TaggerTrainPayload, job: JobContext): Promise<Record<string, unknown>> {
  const model = payload.model ?? 'tagger';
  const alias = payload.alias ?? 'champion';
  const from = payload.from ?? `${model}@${alias}`;
  await job.progress({ message: 'reading examples and decisions' });
  const base = await d.taggers.resolve(job.project, from);
  // A named starting point that is not there (a typo) must not quietly become "start from nothing".
  if (!base && payload.from) throw errors.NO_TRAINING_DATA({ why: `model ${payload.from} does not exist in project ${job.project}; name an existing rouge-tagger version, or leave "from" out` });
  const examples: Example[] = [...(base?.tagger.examples ?? [])];
  let decisions = 0;
  for (const r of await d.reviews.decisions(job.project)) {
    const label = (JSON.parse(r.tags) as Array<{ name: string; value: string }>).find((t) => t.name === 'product_class')?.value;
    const embeddings = label ? await embeddingsOf(d.images, job.project, r.hash) : undefined;
    if (!label || !embeddings) continue;
    examples.push({ key: r.hash, label, embeddings });
    decisions++;
  }
  if (examples.length === 0) throw errors.NO_TRAINING_DATA({ why: `model ${from} does not exist and no review decision has been made in project ${job.project}` });
  job.signal.throwIfAborted();
  let last = 0;
  let tagger;
  try {
    tagger = trainTagger(examples, {
      ...(base ? { mappings: Object.fromEntries(base.tagger.classes.map((c) => [c.label, c])) } : {}),
      onProgress: (stage, done, total) => {
        if (Date.now() - last < 500) return;
        last = Date.now();
        void job.progress({ message: stage, percent: Math.round((100 * done) / total) });
      },
    });
  } catch (e) {
    throw errors.NO_TRAINING_DATA({ why: (e as Error).message });
  }
  job.signal.throwIfAborted();
  await job.progress({ message: 'registering the version', percent: 100 });
  const version = await registerTagger(d.registry, job.project, model, tagger, {
    aliases: payload.moveAlias === false ? [] : [alias],
    description: `retrained on ${examples.length} images (${decisions} review decisions${base ? ` on top of ${base.version}` : ''})`,
    lineage: payload.pipelineRun ? { pipelineRun: payload.pipelineRun } : { operation: `projects/${job.project}/operations/${job.id}` },
    createdBy: 'system:tagging',
  });
  const v = tagger.validation;
  return { modelVersion: version.name, versionAliases: version.versionAliases, examples: tagger.examples.length, decisions, ...(base ? { from: base.version } : {}), validation: v };
}
