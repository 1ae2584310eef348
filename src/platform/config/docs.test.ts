import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SETTINGS } from './index.js';

describe('docs/configuration.md', () => {
  it('documents every flag and environment variable', () => {
    const doc = readFileSync(join(import.meta.dirname, '../../../docs/configuration.md'), 'utf8');
    for (const s of SETTINGS) {
      expect(doc, s.flag).toContain(`\`${s.flag}\``);
      for (const env of s.env) expect(doc, env).toContain(`\`${env}\``);
    }
  });
});
