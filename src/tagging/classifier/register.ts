import { Readable } from 'node:stream';
import { RougeError } from '../../platform/index.js';
import type { ModelVersion, RegistryFace } from '../../registry/index.js';
import { TAGGER_FRAMEWORK } from './framework.js';
import type { Tagger } from './tagger.js';
import { serializeTagger } from './tagger-file.js';

/** What a new tagger version records beside its artifact. */
export interface TaggerVersionInfo {
  aliases: string[];
  description: string;
  lineage: Record<string, string>;
  createdBy: string;
}

/**
 * Registers a trained tagger as a rouge-tagger version of `model` (made on
 * first use), with its held-out scores as the version's metrics. The version
 * is written in one step: nothing is registered if this fails.
 */
export async function registerTagger(registry: RegistryFace, project: string, model: string, tagger: Tagger, info: TaggerVersionInfo): Promise<ModelVersion> {
  await registry.models.get(project, model).catch(async (e: unknown) => {
    if (!(e instanceof RougeError) || e.reason !== 'MODEL_NOT_FOUND') throw e;
    await registry.models.create(project, { name: model, description: 'Product-type tagger for catalogue images' }).catch((err: unknown) => {
      if (!(err instanceof RougeError) || err.reason !== 'MODEL_ALREADY_EXISTS') throw err;
    });
  });
  const v = tagger.validation;
  return registry.versions.create(project, model, {
    framework: TAGGER_FRAMEWORK,
    aliases: info.aliases,
    metrics: { accuracy: v.accuracy, autoAcceptShare: v.autoAcceptShare, autoAcceptPrecision: v.autoAcceptPrecision, examples: v.examples },
    description: info.description,
    lineage: info.lineage,
  }, Readable.from([serializeTagger(tagger)]), info.createdBy);
}
