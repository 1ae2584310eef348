import { describe, expect, it } from 'vitest';
import { topIndices } from './neighbours.js';

describe('topIndices', () => {
  it('returns the positions of the largest values, largest first, ties by position, as a full sort would', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (const [m, keep] of [[0, 5], [3, 5], [5, 5], [50, 5], [1000, 100], [2000, 1]] as const) {
      const values = new Float64Array(m + 3).map(() => Math.floor(random() * 20));
      const expected = Array.from({ length: m }, (_, i) => i).sort((x, y) => values[y]! - values[x]! || x - y).slice(0, keep);
      expect(topIndices(values, m, keep), `m=${m} keep=${keep}`).toEqual(expected);
    }
  });
});
