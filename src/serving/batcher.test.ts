import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { buildLogisticRegression } from '../../test/fixtures/onnx-builder.js';
import { Batcher } from './batcher.js';

const FEATURES = 4;

async function session(): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(buildLogisticRegression({ features: FEATURES, seed: 3 }));
}

function rows(n: number, seed: number): ort.Tensor {
  const data = Float32Array.from({ length: n * FEATURES }, (_, i) => Math.sin(seed * 31 + i));
  return new ort.Tensor('float32', data, [n, FEATURES]);
}

describe('Batcher on a real onnxruntime session', () => {
  it('with maxLatencyMs 0, merges requests made in the same turn into one call and gives each its own rows', async () => {
    const s = await session();
    const batches: number[] = [];
    const batcher = new Batcher((f) => s.run(f), { maxBatchSize: 64, maxLatencyMs: 0 }, (n) => batches.push(n));
    const inputs = [rows(1, 1), rows(2, 2), rows(1, 3), rows(3, 4)];
    const merged = await Promise.all(inputs.map((x) => batcher.submit({ X: x }, x.dims[0]!)));
    expect(batches).toEqual([7]);
    for (const [i, x] of inputs.entries()) {
      const alone = await s.run({ X: x });
      expect(merged[i]!.probability!.dims).toEqual([x.dims[0], 1]);
      expect(Array.from(merged[i]!.probability!.data as Float32Array)).toEqual(Array.from(alone.probability!.data as Float32Array));
    }
    await s.release();
  });

  it('splits a turn that holds more rows than maxBatchSize into calls of at most that many', async () => {
    const s = await session();
    const batches: number[] = [];
    const batcher = new Batcher((f) => s.run(f), { maxBatchSize: 4, maxLatencyMs: 0 }, (n) => batches.push(n));
    const inputs = Array.from({ length: 10 }, (_, i) => rows(1, i));
    const out = await Promise.all(inputs.map((x) => batcher.submit({ X: x }, 1)));
    expect(batches.reduce((a, b) => a + b, 0)).toBe(10);
    expect(Math.max(...batches)).toBeLessThanOrEqual(4);
    expect(out.every((o) => o.probability!.dims[0] === 1)).toBe(true);
    await s.release();
  });

  it('passes a runtime failure to every caller of the batch', async () => {
    const s = await session();
    const batcher = new Batcher((f) => s.run(f), { maxBatchSize: 8, maxLatencyMs: 0 });
    // Feeds under a name the model does not have: onnxruntime refuses the merged call.
    const results = await Promise.allSettled([batcher.submit({ Y: rows(1, 1) }, 1), batcher.submit({ Y: rows(1, 2) }, 1)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    await s.release();
  });
});
