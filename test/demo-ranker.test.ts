import { describe, expect, it } from 'vitest';
import { RANKER_ONNX, RANKER_WEIGHTS } from '../src/demo/ranker.js';
import { buildLogisticRegression } from './fixtures/onnx-builder.js';

describe('the demo\'s re-ranking model', () => {
  it('is the logistic regression its weights describe, byte for byte', () => {
    const rebuilt = Buffer.from(buildLogisticRegression({ features: 7, weights: [...RANKER_WEIGHTS.weights], bias: RANKER_WEIGHTS.bias, inputName: RANKER_WEIGHTS.inputName, outputName: RANKER_WEIGHTS.outputName }));
    expect(rebuilt.equals(RANKER_ONNX)).toBe(true);
  });
});
