import { describe, expect, it } from 'vitest';
import { frameworkOf, registerFramework, type ModelFramework } from './frameworks.js';

describe('registerFramework', () => {
  it('refuses a second, different framework under a taken name, and accepts the same one again', () => {
    expect(() => registerFramework({ name: 'onnx', artifact: 'required', inspect: async () => ({}) })).toThrow(/registered twice/);
    const mine: ModelFramework = { name: 'rouge-unit', artifact: 'required', inspect: async () => ({ metadata: { n: 1 } }) };
    registerFramework(mine);
    registerFramework(mine);
    expect(frameworkOf('rouge-unit')).toBe(mine);
  });

  it('refuses a name an upload could not carry, and an artifact-less kind without validateSpec', () => {
    for (const name of ['Rouge', '1x', 'has space', '']) {
      expect(() => registerFramework({ name, artifact: 'required' }), name).toThrow(/lower-case letters/);
    }
    expect(() => registerFramework({ name: 'rouge-spec', artifact: 'none' })).toThrow(/needs validateSpec/);
  });
});
