import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { createHash, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BlobStore } from '../platform/index.js';
import type { ResolvedVersion } from '../registry/index.js';

/**
 * Local copies of artifacts for the runtime, named by sha256 so versions with
 * the same bytes share one file and a finished copy is never rewritten. A copy
 * is checked against the registry's sha256 before it is used.
 */
export class ArtifactCache {
  constructor(private readonly blobs: BlobStore, private readonly dir: string) {}

  async ensureLocal(version: ResolvedVersion): Promise<string> {
    // Plain errors: the deploy job wraps whatever fails to load in DEPLOY_FAILED once.
    const { artifact } = version;
    if (!artifact) throw new Error(`${version.name} has no artifact`);
    const path = join(this.dir, `${artifact.sha256}.${version.framework}`);
    if (existsSync(path)) return path;
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const tmp = join(this.dir, `.${randomUUID()}`);
    const hash = createHash('sha256');
    try {
      const { body } = await this.blobs.get(artifact.key);
      await pipeline(body, new Transform({ transform(chunk, _e, cb) { hash.update(chunk); cb(null, chunk); } }), createWriteStream(tmp, { mode: 0o600 }));
      const got = hash.digest('hex');
      if (got !== artifact.sha256) throw new Error(`the stored artifact's sha256 is ${got}, the registry recorded ${artifact.sha256}`);
      await rename(tmp, path);
      return path;
    } finally {
      await rm(tmp, { force: true });
    }
  }
}
