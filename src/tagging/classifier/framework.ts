import { readFile } from 'node:fs/promises';
import { RegistryErrors, type ModelFramework } from '../../registry/index.js';
import { parseTagger } from './tagger-file.js';

export const TAGGER_FRAMEWORK = 'rouge-tagger';

/**
 * The registry kind of a product-type tagger: a JSON artifact checked at
 * upload, whose classes, thresholds and validation scores are shown on the
 * version without downloading it.
 */
export const taggerFramework: ModelFramework = {
  name: TAGGER_FRAMEWORK,
  artifact: 'required',
  extension: 'json',
  async inspect(path) {
    const parsed = parseTagger(await readFile(path));
    if ('why' in parsed) throw RegistryErrors.ARTIFACT_INVALID({ framework: TAGGER_FRAMEWORK, why: parsed.why });
    const t = parsed.tagger;
    return {
      metadata: {
        backbone: t.backbone, classes: t.classes, thresholds: t.thresholds, temperature: t.temperature, precisionTarget: t.precisionTarget,
        validation: t.validation, examples: t.examples.length, trainedAt: t.trainedAt,
      },
    };
  },
};
