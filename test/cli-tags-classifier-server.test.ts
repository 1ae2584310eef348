/**
 * `rouge tags train --labels`, `rouge tags review` and `rouge tags savings`
 * through the real CLI against a live server: a tagger trained on this
 * machine through the real network and registered on champion, a run that
 * uses it, the terminal review loop fed keys on stdin, and the savings report.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finished } from './catalog-helpers.js';
import { KINDS, shot } from './fixtures/packshots.js';
import { ADMIN_KEY, buildTestApp } from './helpers/app.js';
import { CLI_TIMEOUT, runRouge } from './helpers/cli.js';

const P = 'looks';
const ROOT = join(import.meta.dirname, '..');
let app: FastifyInstance;
let env: Record<string, string>;
let dir: string;
let run: string;

/** The CLI with keys typed on stdin, one per line. */
function rougeWithInput(args: string[], input: string): Promise<{ code: number | null; out: string; err: string }> {
  const home = mkdtempSync(join(tmpdir(), 'rouge-cli-home-'));
  const child = spawn(process.execPath, ['--import', pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href, join(ROOT, 'src/cli/main.ts'), ...args], {
    cwd: home, env: { PATH: process.env.PATH ?? '', HOME: home, ...env }, stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  child.stdin.end(input);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out, err })));
}

beforeAll(async () => {
  app = await buildTestApp('sqlite', { maxArtifactBytes: 64 * 1024 * 1024 }, { workerPollMs: 10 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  env = { ROUGE_URL: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`, ROUGE_API_KEY: ADMIN_KEY, ROUGE_PROJECT: P };
  expect((await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: P } })).statusCode).toBe(200);
  dir = mkdtempSync(join(tmpdir(), 'rouge-cli-tagger-'));
  mkdirSync(join(dir, 'img'));
  const rows: string[] = ['file,subCategory'];
  for (const k of KINDS) {
    for (let s = 1; s <= 22; s++) {
      writeFileSync(join(dir, 'img', `${k}-${s}.png`), await shot(k, s));
      rows.push(`img/${k}-${s}.png,${k}`);
    }
  }
  writeFileSync(join(dir, 'labels.csv'), rows.join('\n'));
  for (const k of KINDS) {
    const id = `${k.toLowerCase()}-300`;
    expect((await app.inject({ method: 'PUT', url: `/v1/projects/${P}/catalog/items/${id}`, payload: { title: `${k} 300`, brand: 'Aurelia', categoryPath: ['Beauty'] } })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: `/v1/projects/${P}/catalog/items/${id}/image`, headers: { 'content-type': 'image/png' }, payload: await shot(k, 300) })).statusCode).toBe(200);
  }
}, CLI_TIMEOUT);
afterAll(async () => {
  await app?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('rouge tags train, review and savings', () => {
  it('trains on a labels CSV on this machine and registers the tagger on champion', async () => {
    const r = await runRouge(['tags', 'train', '--labels', join(dir, 'labels.csv')], env);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/held out \(5-fold\): accuracy/);
    expect(r.out).toMatch(/Uploaded tagger version 1 \(default, champion\)/);
    const v = (await app.inject({ url: `/v1/projects/${P}/models/tagger/versions/champion` })).json();
    expect(v).toMatchObject({ framework: 'rouge-tagger', metadata: { examples: 66 } });
    expect(v.metadata.classes.map((c: { label: string }) => c.label)).toEqual(['Fragrance', 'Lips', 'Nails']);
  }, CLI_TIMEOUT);

  it('reviews every proposal of a run from the terminal, one key each, and reports the savings', async () => {
    const res = await app.inject({ method: 'POST', url: `/v1/projects/${P}/tagging/runs`, payload: { auditRate: 1 } });
    const op = await finished(app, res.json().name, 120_000);
    expect(op.error, JSON.stringify(op.error)).toBeUndefined();
    run = (res.json().name as string).split('/').pop()!;
    const pending = (await app.inject({ url: `/v1/projects/${P}/tagging/reviewTasks?pageSize=100` })).json().reviewTasks as unknown[];
    expect(pending).toHaveLength(3);
    // Enter accepts, 1 corrects to the first class, r rejects.
    const r = await rougeWithInput(['tags', 'review'], '\n1\nr\n');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/proposed: /);
    expect(r.out).toMatch(/Reviewed: 1 accepted, 1 corrected, 1 rejected, 0 skipped/);
    expect((await app.inject({ url: `/v1/projects/${P}/tagging/reviewTasks` })).json().reviewTasks).toEqual([]);
    const s = await runRouge(['tags', 'savings', run, '--json'], env);
    expect(s.code, s.err).toBe(0);
    const report = JSON.parse(s.out);
    expect(report).toMatchObject({ imagesProcessed: 3, classified: 3, audit: { reviewed: expect.any(Number) }, reviewQueue: { pending: 0, resolved: 3 } });
    const human = await runRouge(['tags', 'savings', run], env);
    expect(human.out).toMatch(/Per 1,000 images: Rouge .* Cloud Vision labels 1\.5; Rekognition labels 1/);
  }, CLI_TIMEOUT);
});
