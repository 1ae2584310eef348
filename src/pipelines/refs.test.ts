import { describe, expect, it } from 'vitest';
import { parseRef, refsIn, resolveRefs } from './refs.js';

describe('references between steps', () => {
  const scope = { parameters: { n: 3, since: '2026-11-01' }, outputs: { train: { versionId: '7', metrics: { 'NDCG@10': 0.21 } } } };

  it('keeps the type of a value that is one reference, and writes references into longer strings', () => {
    expect(resolveRefs({ a: '${{ parameters.n }}', b: 'recs@${{ steps.train.outputs.versionId }}', c: ['${{ steps.train.outputs.metrics.NDCG@10 }}'], d: 5 }, scope))
      .toEqual({ a: 3, b: 'recs@7', c: [0.21], d: 5 });
  });

  it('says what is missing, and which expressions name nothing', () => {
    expect(() => resolveRefs('${{ steps.train.outputs.nope }}', scope)).toThrow(/train has no output nope/);
    expect(parseRef('steps.train.versionId')).toHaveProperty('error');
    expect(refsIn({ x: ['a ${{ parameters.n }} b ${{ steps.s.outputs.k }}'] })).toEqual(['parameters.n', 'steps.s.outputs.k']);
  });
});
