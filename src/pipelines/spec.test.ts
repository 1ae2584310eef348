import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PipelineSpec } from './spec.js';

describe('the documented JSON Schema of a pipeline file', () => {
  it('is the schema the server checks with (docs/pipeline.schema.json is regenerated, not edited)', () => {
    const doc = JSON.parse(readFileSync(new URL('../../docs/pipeline.schema.json', import.meta.url), 'utf8'));
    expect(doc).toEqual(JSON.parse(JSON.stringify(PipelineSpec)));
  });
});
