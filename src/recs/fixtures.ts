import { seededRandom } from './random.js';
import type { UserSequence } from './types.js';

/**
 * Generated shopping sequences: items p0..p(n-1) with a Zipf-like
 * popularity, and a planted chain: whoever takes `a` takes `b` next.
 */
export function generateSequences(users: number, items: number, seed = 1): UserSequence[] {
  const random = seededRandom(seed);
  const pick = () => `p${Math.floor(items * random() ** 2)}`;
  const out: UserSequence[] = [];
  for (let u = 0; u < users; u++) {
    const seq: string[] = [];
    const len = 5 + Math.floor(random() * 6);
    while (seq.length < len) {
      const i = pick();
      if (seq.includes(i)) continue;
      seq.push(i);
      if (i === 'p3' && random() < 0.9 && !seq.includes('p40')) seq.push('p40');
    }
    out.push({ user: `u${u}`, items: seq });
  }
  return out;
}
