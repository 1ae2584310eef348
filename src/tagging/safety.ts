import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import sharp from 'sharp';

const require = createRequire(import.meta.url);

/** The classes nsfwjs scores, each 0 to 1, summing to 1. */
export interface SafetyScores {
  drawing: number;
  hentai: number;
  neutral: number;
  porn: number;
  sexy: number;
}

interface NsfwModel {
  classify(input: unknown, topk?: number): Promise<Array<{ className: string; probability: number }>>;
}
type Tf = {
  setBackend(name: string): Promise<boolean>;
  ready(): Promise<void>;
  tensor3d(values: Uint8Array, shape: [number, number, number], dtype: 'int32'): { dispose(): void };
};

/**
 * Safe-content scores from nsfwjs 4.2.1's bundled MobileNetV2 on TF.js's
 * WebAssembly backend (no native TensorFlow to install). nsfwjs's ES module
 * build fails on Node 20, so its CommonJS build is loaded through
 * createRequire; the model (about 3.5 s to load) is loaded on first use and
 * kept for the process.
 */
export class SafetyClassifier {
  private loaded: Promise<{ tf: Tf; model: NsfwModel }> | undefined;

  async scores(bytes: Buffer): Promise<SafetyScores> {
    const { tf, model } = await this.load();
    const { data, info } = await sharp(bytes, { limitInputPixels: false, pages: 1 }).flatten({ background: '#ffffff' }).toColourspace('srgb')
      .resize(224, 224, { fit: 'fill' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const tensor = tf.tensor3d(new Uint8Array(data), [info.height, info.width, 3], 'int32');
    try {
      const out: Record<string, number> = {};
      for (const p of await model.classify(tensor)) out[p.className.toLowerCase()] = Math.round(p.probability * 1e4) / 1e4;
      return { drawing: out.drawing ?? 0, hentai: out.hentai ?? 0, neutral: out.neutral ?? 0, porn: out.porn ?? 0, sexy: out.sexy ?? 0 };
    } finally {
      tensor.dispose();
    }
  }

  private load(): Promise<{ tf: Tf; model: NsfwModel }> {
    this.loaded ??= (async () => {
      const tf = require('@tensorflow/tfjs') as Tf;
      const wasm = require('@tensorflow/tfjs-backend-wasm') as { setWasmPaths(prefix: string): void };
      // The .wasm files sit beside the package's main file; without this TF.js looks for them on a CDN.
      wasm.setWasmPaths(`${join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), '/')}`);
      await tf.setBackend('wasm');
      await tf.ready();
      const nsfw = require('nsfwjs') as { load(name: string): Promise<NsfwModel> };
      const model = await quietly(() => nsfw.load('MobileNetV2'));
      return { tf, model };
    })();
    return this.loaded;
  }
}

/** nsfwjs prints a notice about hosting the model on every load: not for a server's log. */
async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const info = console.info;
  console.info = () => undefined;
  try {
    return await fn();
  } finally {
    console.info = info;
  }
}

/** Adult content either channel refuses: explicit photos or drawings past half the score. */
export function unsafe(s: SafetyScores): boolean {
  return s.porn + s.hentai >= 0.5;
}
