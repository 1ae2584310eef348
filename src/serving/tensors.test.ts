import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { buildIdentityModel } from '../../test/fixtures/onnx-builder.js';
import { Batcher } from './batcher.js';
import { tensorFromJson, tensorToJson } from './tensors.js';

describe('FP16 tensors', () => {
  // onnxruntime gives float16 back as bit patterns in a Uint16Array on Node 20 and as a Float16Array of the
  // values on Node 24 (CI runs both): the JSON must be the same numbers on either.
  it('carry JSON numbers through onnxruntime and back unchanged', async () => {
    const model = buildIdentityModel({ name: 'identity_float16', datatype: 'float16', shape: ['batch', 6] });
    const session = await ort.InferenceSession.create(Buffer.from(model.buffer, model.byteOffset, model.byteLength));
    try {
      // All exact in half precision: 1, -2, the largest half, a fraction, the smallest subnormal, and -0.
      const values = [1, -2, 65504, 0.333251953125, 2 ** -24, -0];
      const input = tensorFromJson('float16', values, [1, 6]);
      expect(input).toBeDefined();
      const out = (await session.run({ input: input! }))['output']!;
      expect(out.type).toBe('float16');
      expect(tensorToJson(out)).toEqual(values);
      expect(tensorToJson(input!)).toEqual(values);
    } finally {
      await session.release();
    }
  });

  it('go through the dynamic batcher, merged and split again', async () => {
    const model = buildIdentityModel({ name: 'identity_float16', datatype: 'float16', shape: ['batch', 2] });
    const session = await ort.InferenceSession.create(Buffer.from(model.buffer, model.byteOffset, model.byteLength));
    try {
      const batches: number[] = [];
      const batcher = new Batcher((f) => session.run(f), { maxBatchSize: 8, maxLatencyMs: 0 }, (n) => batches.push(n));
      const requests = [[[1, 2]], [[-0.5, 1024], [3, 65504]]];
      const outs = await Promise.all(requests.map((r) => batcher.submit({ input: tensorFromJson('float16', r.flat(), [r.length, 2])! }, r.length)));
      expect(batches).toEqual([3]);
      expect(outs.map((o) => tensorToJson(o['output']!))).toEqual(requests.map((r) => r.flat()));
    } finally {
      await session.release();
    }
  });
});
