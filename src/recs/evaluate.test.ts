import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { splitSequences } from './dataset.js';
import { generateSequences } from './fixtures.js';
import { evaluateDataset } from './index.js';

function writeDataset(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rouge-recs-'));
  const path = join(dir, 'Shop.txt');
  writeFileSync(path, generateSequences(300, 50).map((s, u) => `${u + 1} ${s.items.join(' ')}`).join('\n'));
  return path;
}

describe('leave-one-out protocol', () => {
  it('keeps the last two items of every user out of the training statistics', () => {
    const split = splitSequences('1 a b c d e\n2 f g h i\n');
    expect(split.train.map((s) => s.items)).toEqual([['a', 'b', 'c'], ['f', 'g']]);
    expect(split.validation).toEqual([{ items: ['a', 'b', 'c'], target: 'd' }, { items: ['f', 'g'], target: 'h' }]);
    expect(split.test[0]).toEqual({ items: ['a', 'b', 'c', 'd'], target: 'e', all: ['a', 'b', 'c', 'd', 'e'] });
    expect(split.items).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i']);
  });

  it('finds a planted pattern better than popularity does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rouge-recs-'));
    const path = join(dir, 'Chain.txt');
    // Users walk a chain of 50 items from a random start: item i is followed by i + 1.
    const lines = Array.from({ length: 300 }, (_, u) => {
      const start = (u * 7) % 50;
      return `${u + 1} ${Array.from({ length: 6 }, (_, j) => (start + j) % 50).join(' ')}`;
    });
    writeFileSync(path, lines.join('\n'));
    const model = await evaluateDataset(path);
    const pop = await evaluateDataset(path, { baseline: 'popularity' });
    expect(model.users).toBe(300);
    expect(model.full['HR@10']).toBeGreaterThan(0.9);
    expect(pop.full['HR@10']).toBeLessThan(0.5);
    expect(model.sampled.MRR).toBeGreaterThan(0);
  });

  it('gives popularity nothing from test items: an item seen only as a test target is never in the top 10', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rouge-recs-'));
    const path = join(dir, 'Leak.txt');
    // Every user ends with "hot": counted from all items it would be the most popular.
    const lines = generateSequences(200, 40).map((s, u) => `${u + 1} ${s.items.join(' ')} hot`);
    writeFileSync(path, lines.join('\n'));
    const pop = await evaluateDataset(path, { baseline: 'popularity' });
    expect(pop.full['HR@10']).toBe(0);
  });
});

describe('rouge recs evaluate', () => {
  it('prints exactly one JSON line with --json', () => {
    const path = writeDataset();
    const run = spawnSync('npx', ['tsx', 'src/cli/main.ts', 'recs', 'evaluate', '--dataset', path, '--json'], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const out = JSON.parse(lines[0]!);
    expect(Object.keys(out)).toEqual(['full', 'sampled', 'users', 'seconds']);
    expect(out.full['NDCG@10']).toBeGreaterThanOrEqual(0);
  });

  it('exits 2 with a clear message when the file is missing', () => {
    const run = spawnSync('npx', ['tsx', 'src/cli/main.ts', 'recs', 'evaluate', '--dataset', '/nonexistent/x.txt', '--json'], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/cannot read the dataset file/);
    expect(run.stdout).toBe('');
  });
});
