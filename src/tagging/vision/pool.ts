import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import sharp from 'sharp';
import { INPUT_SIDE, type Seen } from './backbone.js';

interface Pending {
  resolve: (s: Seen) => void;
  reject: (e: Error) => void;
}

interface Thread {
  worker: Worker;
  busy: number;
  pending: Map<number, Pending>;
  exited: boolean;
}

/** Longest an image may take on a thread; a packshot takes well under a second. */
const IMAGE_TIMEOUT_MS = 60_000;

/**
 * The backbone on worker threads, so classifying and safety-checking a
 * catalogue uses every core (TF.js's WebAssembly backend runs one thread in
 * Node) and never blocks the event loop that serves requests. Threads start
 * on first use, each loading the model once (a few seconds), and an image goes
 * to the least busy one. Decoding and resizing stay on this thread: sharp
 * already spreads them over libuv's pool.
 */
export class VisionPool {
  private threads: Thread[] | undefined;
  private next = 0;
  private closed = false;

  /** One thread per core, at most four (each holds a copy of the model, about 100 MB). */
  constructor(private readonly size = Math.max(1, Math.min(4, availableParallelism()))) {}

  /** The backbone's outputs for an image in any format sharp reads. */
  async see(bytes: Buffer): Promise<Seen> {
    if (this.closed) throw new Error('the vision pool is closed');
    const rgb = await toInput(bytes);
    const thread = this.pick();
    const id = this.next++;
    thread.busy++;
    let timer: NodeJS.Timeout | undefined;
    try {
      return await new Promise<Seen>((resolve, reject) => {
        thread.pending.set(id, { resolve, reject });
        // A thread that never answers (stuck, or dead with the message lost) must not hang a run.
        timer = setTimeout(() => {
          thread.pending.delete(id);
          reject(new Error(`the vision thread did not answer within ${IMAGE_TIMEOUT_MS / 1000} s`));
        }, IMAGE_TIMEOUT_MS);
        thread.worker.postMessage({ id, rgb }, [rgb.buffer as ArrayBuffer]);
      });
    } finally {
      clearTimeout(timer);
      thread.busy--;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const threads = this.threads ?? [];
    this.threads = undefined;
    await Promise.all(threads.map((t) => t.worker.terminate()));
  }

  private pick(): Thread {
    // A thread that exited (a WebAssembly abort, out of memory) is replaced when next needed.
    this.threads = (this.threads ?? []).filter((t) => !t.exited);
    while (this.threads.length < this.size) this.threads.push(start());
    let best = this.threads[0]!;
    for (const t of this.threads) if (t.busy < best.busy) best = t;
    return best;
  }
}

function start(): Thread {
  // Compiled, the worker is worker.js beside this file; from source (tests, benches), worker.ts,
  // loaded after registering tsx in the thread (a worker does not inherit the parent's loaders).
  const fromSource = import.meta.url.endsWith('.ts');
  // Resolved here: an eval'd worker resolves bare names from the working directory, not from this package.
  const tsx = fromSource ? pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href : '';
  const worker = fromSource
    ? new Worker(`import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL('./worker.ts', import.meta.url).href)}); })`, { eval: true })
    : new Worker(new URL('./worker.js', import.meta.url));
  const thread: Thread = { worker, busy: 0, pending: new Map(), exited: false };
  worker.unref();
  worker.on('message', (m: { id: number; seen?: Seen; error?: string }) => {
    const p = thread.pending.get(m.id);
    thread.pending.delete(m.id);
    if (m.seen) p?.resolve(m.seen);
    else p?.reject(new Error(m.error ?? 'the vision thread failed'));
  });
  const fail = (e: Error) => {
    for (const p of thread.pending.values()) p.reject(e);
    thread.pending.clear();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => {
    thread.exited = true;
    fail(new Error(`the vision thread exited (${code})`));
  });
  return thread;
}

/** An image as the backbone's input: on white, sRGB, letterboxed to a square so packshots keep their shape. */
async function toInput(bytes: Buffer): Promise<Uint8Array> {
  const { data } = await sharp(bytes, { limitInputPixels: false, pages: 1 }).flatten({ background: '#ffffff' }).toColourspace('srgb')
    .resize(INPUT_SIDE, INPUT_SIDE, { fit: 'contain', background: '#ffffff' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
}
