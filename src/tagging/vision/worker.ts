import { parentPort } from 'node:worker_threads';
import { Backbone } from './backbone.js';

/**
 * A vision thread: loads the backbone once, then answers `{id, rgb}` with
 * `{id, seen}` or `{id, error}`, one image at a time.
 */
const backbone = Backbone.load();
backbone.catch(() => undefined);
parentPort!.on('message', (m: { id: number; rgb: Uint8Array }) => {
  void (async () => {
    try {
      const seen = await (await backbone).see(m.rgb);
      parentPort!.postMessage({ id: m.id, seen }, [seen.embeddings.buffer as ArrayBuffer]);
    } catch (e) {
      parentPort!.postMessage({ id: m.id, error: (e as Error).message });
    }
  })();
});
