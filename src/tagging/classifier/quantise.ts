/** Embeddings are ReLU6 activations (0 to 6): kept as bytes, 6/255 apart, a quarter of their float size, at no measurable cost in accuracy. */
const STEP = 6 / 255;

/** Embeddings as bytes. */
export function quantise(v: Float32Array): Uint8Array {
  const q = new Uint8Array(v.length);
  for (let j = 0; j < v.length; j++) q[j] = Math.max(0, Math.min(255, Math.round(v[j]! / STEP)));
  return q;
}

/** Bytes back as embeddings. */
export function dequantise(q: Uint8Array): Float32Array {
  const v = new Float32Array(q.length);
  for (let j = 0; j < q.length; j++) v[j] = q[j]! * STEP;
  return v;
}
