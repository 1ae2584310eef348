import { readFile } from 'node:fs/promises';
import { RegistryErrors, type ModelFramework } from '../registry/index.js';
import { RecsModel } from '../recs/index.js';
import { RECS_FRAMEWORK } from './recommenders.js';

/**
 * The registry kind of Rouge's own recommendation models. An upload is
 * loaded once to prove a serving process can load it, and its counts and
 * validation metrics become the version's metadata.
 */
export const recsFramework: ModelFramework = {
  name: RECS_FRAMEWORK,
  artifact: 'required',
  extension: 'recs',
  async inspect(path) {
    let model: RecsModel;
    try {
      model = RecsModel.load(await readFile(path));
    } catch (e) {
      throw RegistryErrors.ARTIFACT_INVALID({ framework: RECS_FRAMEWORK, why: `it is not a Rouge recommendation model (${(e as Error).message})` });
    }
    const { items, users, interactions, trainedAt, validation } = model.stats;
    return { metadata: { items, users, interactions, trainedAt, ...(validation ? { validation } : {}) } };
  },
};
