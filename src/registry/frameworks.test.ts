import { describe, expect, it } from 'vitest';
import { Frameworks, type ModelFramework } from './frameworks.js';

describe('Frameworks', () => {
  it('finds a contributed framework next to the built-in ones, read at use', () => {
    const contributed: ModelFramework[] = [];
    const frameworks = new Frameworks(() => contributed);
    const mine: ModelFramework = { name: 'rouge-unit', artifact: 'required', inspect: async () => ({ metadata: { n: 1 } }) };
    contributed.push(mine);
    expect(frameworks.get('rouge-unit')).toBe(mine);
    expect(frameworks.get('onnx').name).toBe('onnx');
  });

  it('refuses a second, different framework under a taken name, and accepts the same one twice', () => {
    expect(() => new Frameworks(() => [{ name: 'onnx', artifact: 'required', inspect: async () => ({}) }])).toThrow(/registered twice/);
    const mine: ModelFramework = { name: 'rouge-unit', artifact: 'required' };
    expect(new Frameworks(() => [mine, mine]).get('rouge-unit')).toBe(mine);
  });

  it('refuses a name an upload could not carry, and an artifact-less kind without validateSpec', () => {
    for (const name of ['Rouge', '1x', 'has space', '']) {
      expect(() => new Frameworks(() => [{ name, artifact: 'required' }]), name).toThrow(/lower-case letters/);
    }
    expect(() => new Frameworks(() => [{ name: 'rouge-spec', artifact: 'none' }])).toThrow(/needs validateSpec/);
  });

  it('answers FRAMEWORK_UNKNOWN listing the known kinds', () => {
    expect(() => new Frameworks(() => []).get('nope')).toThrow(/onnx, http/);
  });
});
