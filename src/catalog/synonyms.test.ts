import { describe, expect, it } from 'vitest';
import { Synonyms } from './synonyms.js';

describe('Synonyms', () => {
  const s = new Synonyms([['lip colour', 'lipstick'], ['kohl', 'kajal', 'eye pencil']]);

  it('replaces a phrase by its group, matching on stems, longest phrase first', () => {
    expect(s.expand(['red', 'lip', 'colours'])).toEqual([
      { alternatives: [['red']] },
      { alternatives: [['lip', 'colours'], ['lipstick']] },
    ]);
    expect(s.expand(['kajal'])).toEqual([{ alternatives: [['kajal'], ['kohl'], ['eye', 'pencil']] }]);
  });

  it('leaves words outside every group alone, and ignores empty phrases', () => {
    expect(new Synonyms([['', '!!'], ['a']]).expand(['lip'])).toEqual([{ alternatives: [['lip']] }]);
  });
});
