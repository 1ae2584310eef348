import { buffer } from 'node:stream/consumers';
import type { BlobStore } from '../../platform/index.js';
import { parseModelRef, type RegistryFace } from '../../registry/index.js';
import * as errors from '../errors.js';
import type { LoadedTagger } from './decide.js';
import { TAGGER_FRAMEWORK } from './framework.js';
import { parseTagger } from './tagger-file.js';

/** The model a run classifies with unless it names another. */
export const DEFAULT_TAGGER = 'tagger@champion';
const KEEP = 4;

/**
 * Tagger versions, loaded from their artifacts and kept by version name (a
 * version never changes), so the runs of a project share one copy.
 */
export class TaggerLoader {
  private readonly loaded = new Map<string, Promise<LoadedTagger>>();

  constructor(private readonly registry: RegistryFace, private readonly blobs: BlobStore) {}

  /**
   * The version a reference (`tagger@champion`) names now; undefined when the
   * model or alias does not exist (the project has no tagger yet).
   */
  async resolve(project: string, ref: string): Promise<LoadedTagger | undefined> {
    const { model, ref: r } = parseModelRef(ref);
    const version = await this.registry.versions.resolveVersion(project, model, r).catch((e: { reason?: string }) => {
      if (e?.reason === 'MODEL_NOT_FOUND' || e?.reason === 'MODEL_VERSION_NOT_FOUND') return undefined;
      throw e;
    });
    if (!version) return undefined;
    if (version.framework !== TAGGER_FRAMEWORK) throw errors.NOT_A_TAGGER({ model: ref, framework: version.framework });
    let p = this.loaded.get(version.name);
    if (!p) {
      p = (async () => {
        const { body } = await this.blobs.get(version.artifact!.key);
        const parsed = parseTagger(await buffer(body));
        if ('why' in parsed) throw errors.NOT_A_TAGGER({ model: ref, framework: `an unreadable ${TAGGER_FRAMEWORK} (${parsed.why})` });
        return { version: version.name, tagger: parsed.tagger };
      })();
      p.catch(() => this.loaded.delete(version.name));
      this.loaded.set(version.name, p);
      if (this.loaded.size > KEEP) this.loaded.delete(this.loaded.keys().next().value!);
    }
    return p;
  }
}
