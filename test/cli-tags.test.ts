/**
 * `rouge tags` through the real CLI against a live server: an image uploaded
 * for one item, another item whose imageLink the fetcher refuses, a run over
 * the whole catalogue followed to its end, its report (all, --failed, --json),
 * an item's tags, --no-wait, and the usage errors caught before any request.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatRunProgress, imageContentType } from '../src/cli/commands/tags.js';
import { ADMIN_KEY, buildTestApp } from './helpers/app.js';
import { CLI_TIMEOUT, runRouge } from './helpers/cli.js';
import { until } from './helpers/until.js';

const P = 'pics';
let app: FastifyInstance;
let env: Record<string, string>;
let dir: string;
let png: string;
const rouge = (...args: string[]) => runRouge(args, env);

/** A 600x600 packshot: a red rectangle on white. */
async function packshot(): Promise<Buffer> {
  const product = await sharp({ create: { width: 180, height: 360, channels: 3, background: '#c1121f' } }).png().toBuffer();
  return sharp({ create: { width: 600, height: 600, channels: 3, background: '#ffffff' } }).composite([{ input: product, gravity: 'centre' }]).png().toBuffer();
}

beforeAll(async () => {
  app = await buildTestApp('sqlite', {}, { workerPollMs: 10 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  env = { ROUGE_URL: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`, ROUGE_API_KEY: ADMIN_KEY, ROUGE_PROJECT: P };
  expect((await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: P } })).statusCode).toBe(200);
  const items: Array<[string, string | undefined]> = [
    ['red-lipstick', undefined],
    // The cloud metadata address: the fetcher refuses it before any connection.
    ['metadata', 'http://169.254.169.254/x.png'],
  ];
  for (const [id, link] of items) {
    const res = await app.inject({ method: 'PUT', url: `/v1/projects/${P}/catalog/items/${id}`, payload: { title: `Lipstick ${id}`, brand: 'Aurelia', categoryPath: ['Makeup', 'Lips', 'Lipstick'], ...(link ? { imageLink: link } : {}) } });
    expect(res.statusCode, res.body).toBe(200);
  }
  dir = mkdtempSync(join(tmpdir(), 'rouge-cli-tags-'));
  png = join(dir, 'packshot.png');
  writeFileSync(png, await packshot());
}, CLI_TIMEOUT);
afterAll(async () => {
  await app?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('rouge tags', () => {
  let runId: string;

  it('uploads an item\'s image, then runs over every item, showing progress, and sums up 1 ok and 1 error', async () => {
    const up = await rouge('tags', 'upload', 'red-lipstick', png);
    expect(up.code, up.err).toBe(0);
    expect(up.out).toMatch(/Uploaded packshot\.png as the image of item red-lipstick \(image\/png, \d+ bytes, sha256 [0-9a-f]{12}\)/);
    expect(up.err).toMatch(/Uploaded [\d.]+ kB in/);

    const run = await rouge('tags', 'run', '--all');
    expect(run.code, run.err).toBe(0);
    // Not a terminal: the status is a line per change on stderr, ending with the run done.
    expect(run.err).toMatch(/ tagging run: SUCCEEDED {2}\[#{20}\] 2\/2 images, 1 error\n/);
    const m = /Tagging run (\S+) SUCCEEDED: 1 ok, 1 error \(2 items\)\.\n/.exec(run.out);
    expect(m, run.out).not.toBeNull();
    runId = m![1]!;
    expect(run.out).toContain(`rouge tags report ${runId}`);
  }, CLI_TIMEOUT);

  it('reports each image: its failed checks and tags, or the error that stopped it', async () => {
    const report = await rouge('tags', 'report', runId);
    expect(report.code, report.err).toBe(0);
    expect(report.out).toMatch(/^ITEM\s+STATUS\s+FAILED CHECKS\s+TAGS\n/);
    expect(report.out).toMatch(/\nmetadata\s+error\s+blocked_address: .+\s+-\n/);
    expect(report.out).toMatch(/\nred-lipstick\s+ok\s+.*colour_family=red/);
    expect(report.err).toContain(`Run ${runId} SUCCEEDED: 2 images, 1 ok`);

    const json = await rouge('tags', 'report', runId, '--json');
    expect(json.code, json.err).toBe(0);
    const results = JSON.parse(json.out) as Array<{ itemId: string; status: string; error?: { code: string } }>;
    expect(results.map((r) => [r.itemId, r.status, r.error?.code]).sort()).toEqual([['metadata', 'error', 'blocked_address'], ['red-lipstick', 'ok', undefined]]);

    // The 600-pixel packshot falls short of Meta's recommended size, so both show as failed.
    const failedOnly = await rouge('tags', 'report', runId, '--failed', '--json');
    const failed = JSON.parse(failedOnly.out) as Array<{ itemId: string; status: string; checks: Array<{ name: string; passed: boolean }> }>;
    expect(failed.map((r) => r.itemId).sort()).toEqual(['metadata', 'red-lipstick']);
    expect(failed.find((r) => r.itemId === 'red-lipstick')!.checks.filter((c) => !c.passed).map((c) => c.name)).toContain('meta.recommended_size');
    const failedTable = await rouge('tags', 'report', runId, '--failed');
    expect(failedTable.out).toMatch(/\nred-lipstick\s+ok\s+[^\n]*meta\.recommended_size/);
  }, CLI_TIMEOUT);

  it('shows an item\'s tags with their source, confidence and run', async () => {
    const show = await rouge('tags', 'show', 'red-lipstick');
    expect(show.code, show.err).toBe(0);
    expect(show.out).toMatch(/^NAME\s+VALUE\s+SOURCE\s+CONFIDENCE\s+RUN\n/);
    expect(show.out).toMatch(new RegExp(`\\ncolour_family\\s+red\\s+analyzer\\s+\\d\\.\\d\\d\\s+${runId}\\n`));
    const none = await rouge('tags', 'show', 'metadata');
    expect(none.code, none.err).toBe(0);
    expect(none.out).toBe('');
    expect(none.err).toContain('Item metadata has no tags yet');
  }, CLI_TIMEOUT);

  it('starts a run without waiting, for the items named', async () => {
    const started = await rouge('tags', 'run', '--items', 'red-lipstick', '--no-wait');
    expect(started.code, started.err).toBe(0);
    const id = /Tagging run (\S+) started/.exec(started.out)?.[1];
    expect(id, started.out).toBeDefined();
    await until('the second run ends', async () => ((await app.inject({ url: `/v1/projects/${P}/tagging/runs/${id}` })).json().done ? true : undefined), 60_000);
    const report = await rouge('tags', 'report', id!, '--json');
    expect((JSON.parse(report.out) as Array<{ itemId: string }>).map((r) => r.itemId)).toEqual(['red-lipstick']);
  }, CLI_TIMEOUT);

  it('refuses bad arguments before any request (exit 2), and reports the server\'s refusals (exit 1)', async () => {
    const gif = join(dir, 'packshot.gif');
    writeFileSync(gif, 'GIF89a');
    const [badExt, none, both, badRun, missingRun, missingItem] = await Promise.all([
      rouge('tags', 'upload', 'red-lipstick', gif),
      rouge('tags', 'run'),
      rouge('tags', 'run', '--all', '--items', 'red-lipstick'),
      rouge('tags', 'report', 'not/a/run'),
      rouge('tags', 'report', 'nosuchrun'),
      rouge('tags', 'show', 'nope'),
    ]);
    expect(badExt.code).toBe(2);
    expect(badExt.err).toContain('cannot tell the image type of');
    expect(badExt.err).toContain('.png, .jpg, .jpeg or .webp');
    expect(none.code).toBe(2);
    expect(none.err).toContain('exactly one of --all, --items or --filter');
    expect(both.code).toBe(2);
    expect(badRun.code).toBe(2);
    expect(missingRun.code).toBe(1);
    expect(missingRun.err).toContain('(TAGGING_RUN_NOT_FOUND)');
    expect(missingItem.code).toBe(1);
  }, CLI_TIMEOUT);
});

describe('tags CLI helpers', () => {
  it('renders a run\'s progress and picks the content type from the extension', () => {
    expect(formatRunProgress({ processed: 1, total: 4, errors: 1 })).toBe('[#####---------------] 1/4 images, 1 error');
    expect(formatRunProgress({ processed: 0, total: 0, errors: 0 }, false)).toBe('0/0 images, 0 errors');
    expect(formatRunProgress(undefined)).toBe('');
    expect(imageContentType('a/B.JPG')).toBe('image/jpeg');
    expect(imageContentType('x.webp')).toBe('image/webp');
    expect(() => imageContentType('x.tiff')).toThrow(/cannot tell the image type/);
  });
});
