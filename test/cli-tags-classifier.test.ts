/**
 * `rouge tags evaluate`, locally and without a server, on generated
 * packshots through the real network: one JSON line on stdout, progress on
 * stderr, and usage errors that say what to fix.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { KINDS, shot } from './fixtures/packshots.js';
import { CLI_TIMEOUT, runRouge } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'rouge-tags-eval-'));

beforeAll(async () => {
  mkdirSync(join(dir, 'img'));
  const rows = (seeds: number[]) => KINDS.flatMap((k) => seeds.map((s) => `img/${k}-${s}.png,${k}`));
  for (const k of KINDS) for (let s = 1; s <= 24; s++) writeFileSync(join(dir, 'img', `${k}-${s}.png`), await shot(k, s));
  writeFileSync(join(dir, 'train.csv'), ['file,subCategory', ...rows(Array.from({ length: 20 }, (_, i) => i + 1))].join('\n'));
  writeFileSync(join(dir, 'test.csv'), ['file,subCategory', ...rows([21, 22, 23, 24])].join('\n'));
  writeFileSync(join(dir, 'renamed.csv'), ['path,type', ...rows([21])].join('\n'));
}, 60_000);

describe('rouge tags evaluate', () => {
  it('trains with the production defaults and prints exactly one JSON line', async () => {
    const r = await runRouge(['tags', 'evaluate', '--train', join(dir, 'train.csv'), '--test', join(dir, 'test.csv'), '--json']);
    expect(r.code, r.err).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines).toHaveLength(1);
    const report = JSON.parse(lines[0]!);
    expect(Object.keys(report)).toEqual(['accuracy', 'autoAcceptShare', 'autoAcceptPrecision', 'perClass']);
    expect(report.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(report.perClass.Nails).toMatchObject({ support: 4 });
    expect(r.err).toMatch(/train images/);
  }, CLI_TIMEOUT);

  it('says which column is missing, and reads the columns it is told to', async () => {
    const r = await runRouge(['tags', 'evaluate', '--train', join(dir, 'renamed.csv'), '--test', join(dir, 'test.csv')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no column "file".*path, type.*--image-column/s);
    const missing = await runRouge(['tags', 'evaluate', '--train', join(dir, 'nope.csv'), '--test', join(dir, 'test.csv')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/cannot read .*nope\.csv/);
  }, CLI_TIMEOUT);
});
