import { describe, expect, it } from 'vitest';
import { fuzziness, indexTerm, queryWords, words } from './text.js';

describe('catalog text', () => {
  it('splits into lower-case words without accents or punctuation, and drops absurdly long ones', () => {
    expect(words('Crème  Brûlée—LIP/Gloss, 24h!')).toEqual(['creme', 'brulee', 'lip', 'gloss', '24h']);
    expect(words(`ok ${'x'.repeat(41)} fine`)).toEqual(['ok', 'fine']);
  });

  it('stems words so plurals meet, keeps numbers, and drops function words', () => {
    expect(indexTerm('lipsticks')).toBe(indexTerm('lipstick'));
    expect(indexTerm('2024')).toBe('2024');
    expect(indexTerm('with')).toBeNull();
  });

  it('keeps the query words worth searching, in order, up to a limit', () => {
    expect(queryWords('the red lipstick for a party', 10)).toEqual(['red', 'lipstick', 'party']);
    expect(queryWords('a b c d e', 2)).toEqual(['b', 'c']);
  });

  it('allows no typo in short words or numbers, one from 4 letters, two from 8', () => {
    expect([fuzziness('lip'), fuzziness('1234'), fuzziness('gloss'), fuzziness('lipsticks')]).toEqual([0, 0, 1, 2]);
  });
});
