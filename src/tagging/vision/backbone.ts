import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** The backbone's name in a tagger version: an embedding is only good for heads trained on the same one. */
export const BACKBONE = 'nsfwjs-4.2.1/MobileNetV2/flatten_1';
/** Input side of the backbone, in pixels. */
export const INPUT_SIDE = 224;
/** Width of an embedding. */
export const EMBEDDING_WIDTH = 1280;
/** nsfwjs's classes, in the order of its last layer. */
const SAFETY_CLASSES = ['drawing', 'hentai', 'neutral', 'porn', 'sexy'] as const;

/** What one forward pass says of an image and of its mirror image. */
export interface Seen {
  /** flatten_1 of the image, then of its mirror image: 2 x EMBEDDING_WIDTH. */
  embeddings: Float32Array;
  safety: Record<(typeof SAFETY_CLASSES)[number], number>;
}

interface Tensor { dispose(): void; data(): Promise<Float32Array> }
interface LayersModel { inputs: unknown; layers: Array<{ name: string; output: unknown }>; predict(x: Tensor): Tensor[] }
type Tf = {
  setBackend(name: string): Promise<boolean>;
  ready(): Promise<void>;
  model(a: { inputs: unknown; outputs: unknown[] }): LayersModel;
  tidy<T>(fn: () => T): T;
  tensor4d(values: Uint8Array, shape: [number, number, number, number], dtype: 'int32'): Tensor & { toFloat(): Tensor & { div(n: number): Tensor } };
  reverse(x: Tensor, axis: number): Tensor;
  concat(xs: Tensor[], axis: number): Tensor;
};

/**
 * nsfwjs 4.2.1's MobileNetV2 on TF.js's WebAssembly backend, cut to give two
 * outputs from one pass: the 1280-wide `flatten_1` layer (the embedding a
 * product-type head is trained on) and the safe-content scores. The image and
 * its mirror image go through as one batch of two: heads are trained on both
 * and predict from their mean (test-time augmentation). nsfwjs's ES module
 * build fails on Node 20, so its CommonJS build is loaded.
 */
export class Backbone {
  private constructor(private readonly tf: Tf, private readonly model: LayersModel) {}

  static async load(): Promise<Backbone> {
    const tf = require('@tensorflow/tfjs') as Tf;
    const wasm = require('@tensorflow/tfjs-backend-wasm') as { setWasmPaths(prefix: string): void };
    // The .wasm files sit beside the package's main file; without this TF.js looks for them on a CDN.
    wasm.setWasmPaths(`${join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), '/')}`);
    await tf.setBackend('wasm');
    await tf.ready();
    const nsfw = require('nsfwjs') as { load(name: string): Promise<{ model: LayersModel }> };
    const { model } = await quietly(() => nsfw.load('MobileNetV2'));
    const embedding = model.layers.find((l) => l.name === 'flatten_1');
    if (!embedding) throw new Error('nsfwjs MobileNetV2 has no flatten_1 layer: is nsfwjs at 4.2.1?');
    const last = model.layers[model.layers.length - 1]!;
    return new Backbone(tf, tf.model({ inputs: model.inputs, outputs: [embedding.output, last.output] }));
  }

  /** One image as INPUT_SIDE x INPUT_SIDE RGB bytes. */
  async see(rgb: Uint8Array): Promise<Seen> {
    const tf = this.tf;
    const [emb, scores] = tf.tidy(() => {
      const x = tf.tensor4d(rgb, [1, INPUT_SIDE, INPUT_SIDE, 3], 'int32').toFloat().div(255);
      return this.model.predict(tf.concat([x, tf.reverse(x, 2)], 0));
    }) as [Tensor, Tensor];
    try {
      const embeddings = await emb.data();
      const s = await scores.data();
      const safety = Object.fromEntries(SAFETY_CLASSES.map((c, i) => [c, Math.round(s[i]! * 1e4) / 1e4])) as Seen['safety'];
      return { embeddings: Float32Array.from(embeddings), safety };
    } finally {
      emb.dispose();
      scores.dispose();
    }
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
