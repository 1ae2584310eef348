import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multipartBody } from '../src/cli/kit/multipart.js';
import { byteProgress, formatBytes } from '../src/cli/kit/progress.js';
import { buildLogisticRegression } from './fixtures/onnx-builder.js';
import { ADMIN_KEY, buildTestApp } from './helpers/app.js';
import { runRouge } from './helpers/cli.js';

// Each run starts Node and tsx afresh; on a busy CI machine that is seconds, not milliseconds.
const SLOW = 120_000;

/** The real `rouge` (TypeScript source through tsx) with only the environment given. */
const rouge = runRouge;

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let app: FastifyInstance;
let env: Record<string, string>;
let dir: string;
let onnxPath: string;
let onnx: Buffer;

beforeAll(async () => {
  app = await buildTestApp('sqlite');
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  env = { ROUGE_URL: url, ROUGE_API_KEY: ADMIN_KEY, ROUGE_PROJECT: 'ml' };
  await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: 'ml' } });
  dir = mkdtempSync(join(tmpdir(), 'rouge-cli-models-'));
  onnx = Buffer.from(buildLogisticRegression({ features: 4, seed: 7 }));
  onnxPath = join(dir, 'ctr.onnx');
  writeFileSync(onnxPath, onnx);
});

afterAll(async () => {
  await app.close();
});

const api = async (path: string) => (await app.inject({ method: 'GET', url: path })).json();
const rouge$ = (...args: string[]) => rouge(args, env);

describe('rouge models upload, versions, alias and download', () => {
  it('uploads a real ONNX model with aliases, metrics and labels, and round-trips it', async () => {
    const up = await rouge$('models', 'upload', onnxPath, '--name', 'ctr', '--alias', 'champion', '--alias', 'candidate', '--metric', 'auc=0.81', '--metric', 'logloss=0.35', '--label', 'team=recs', '--description', 'first cut');
    expect(up.err).toContain('Created model ctr in project ml.');
    // stderr is a pipe here: no bar, one summary line.
    expect(up.err).toMatch(/^Uploaded \d+(\.\d+)? k?B in \d+\.\d s \(\d+(\.\d+)? [kM]?B\/s\)$/m);
    expect(up.err).not.toContain('\r');
    expect(up.code).toBe(0);
    expect(up.out).toContain('Uploaded ctr version 1 (default, candidate, champion).');
    expect(up.out).toMatch(new RegExp(`^sha256:\\s+${sha(onnx)}$`, 'm'));
    expect(up.out).toMatch(/^inputs:\s+X:FP32\[-1,4\]$/m);

    const v1 = await api('/v1/projects/ml/models/ctr/versions/1');
    expect(v1).toMatchObject({
      versionAliases: ['default', 'candidate', 'champion'],
      metrics: { auc: 0.81, logloss: 0.35 },
      labels: { team: 'recs' },
      description: 'first cut',
      framework: 'onnx',
      artifact: { sha256: sha(onnx), sizeBytes: onnx.length },
    });

    // A second upload to the same model is version 2; --json prints the API's body.
    const second = await rouge$('models', 'upload', onnxPath, '--name', 'ctr', '--metric', 'auc=0.84', '--json');
    expect(second.code).toBe(0);
    expect(second.err).not.toContain('Created model');
    const v2 = JSON.parse(second.out);
    expect(v2).toMatchObject({ versionId: '2', versionAliases: [], metrics: { auc: 0.84 } });
    expect(v2).toEqual(await api('/v1/projects/ml/models/ctr/versions/2'));

    const versions = await rouge$('models', 'versions', 'ctr');
    expect(versions.code).toBe(0);
    const lines = versions.out.trim().split('\n');
    expect(lines[0]).toMatch(/^VERSION\s+ALIASES\s+FRAMEWORK\s+METRICS\s+CREATED$/);
    expect(versions.out).toMatch(/^1\s+default,candidate,champion\s+onnx\s+auc=0\.81 logloss=0\.35\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/m);
    expect(versions.out).toMatch(/^2\s+-\s+onnx\s+auc=0\.84\s+/m);

    // Move champion to version 2, then take candidate off version 1.
    const moved = await rouge$('models', 'alias', 'ctr@2', 'champion');
    expect(moved.code).toBe(0);
    expect(moved.out).toBe('ctr version 2 now has aliases: champion.\n');
    const removed = await rouge$('models', 'alias', 'ctr@1', '--remove', 'candidate');
    expect(removed.code).toBe(0);
    expect(removed.out).toBe('ctr version 1 now has aliases: default.\n');
    expect((await api('/v1/projects/ml/models/ctr/versions/1')).versionAliases).toEqual(['default']);

    // Download by alias to a named file, and by the bare name (default) into a directory.
    const target = join(dir, 'out', 'model.onnx');
    mkdirSync(join(dir, 'out'));
    const [byAlias, byDefault] = await Promise.all([
      rouge$('models', 'download', 'ctr@champion', '-o', target),
      rouge$('models', 'download', 'ctr', '--output', join(dir, 'out')),
    ]);
    expect(byAlias.code).toBe(0);
    expect(byAlias.out).toBe(`Downloaded ctr@champion (version 2) to ${target}: ${formatBytes(onnx.length)}, sha256 ${sha(onnx)}.\n`);
    expect(byAlias.err).toMatch(/^Downloaded \d+(\.\d+)? k?B in /m);
    expect(sha(readFileSync(target))).toBe(sha(onnx));
    expect(byDefault.code).toBe(0);
    expect(readFileSync(join(dir, 'out', 'ctr-1.onnx')).equals(onnx)).toBe(true);
    expect(readdirSync(join(dir, 'out')).sort()).toEqual(['ctr-1.onnx', 'model.onnx']);

    const got = await rouge$('models', 'get', 'ctr@champion', '--json');
    expect(JSON.parse(got.out)).toEqual(await api('/v1/projects/ml/models/ctr/versions/2'));
  }, SLOW);

  it('refuses bad --metric and --label values with exit 2, before sending anything', async () => {
    const [metric, notNumber, label, ref, noVersion, noAlias, missingFile] = await Promise.all([
      rouge$('models', 'upload', onnxPath, '--name', 'never', '--metric', 'auc'),
      rouge$('models', 'upload', onnxPath, '--name', 'never', '--metric', 'auc=high'),
      rouge$('models', 'upload', onnxPath, '--name', 'never', '--label', 'recs'),
      rouge$('models', 'download', 'Not A Model'),
      rouge$('models', 'delete-version', 'ctr'),
      rouge$('models', 'alias', 'ctr@1'),
      rouge$('models', 'upload', join(dir, 'missing.onnx'), '--name', 'never'),
    ]);
    expect(metric.code).toBe(2);
    expect(metric.err).toContain("option '--metric <key=number>' argument 'auc' is invalid. use key=number, such as auc=0.81.");
    expect(notNumber.code).toBe(2);
    expect(notNumber.err).toContain("argument 'auc=high' is invalid");
    expect(label.code).toBe(2);
    expect(label.err).toContain("option '--label <key=value>' argument 'recs' is invalid");
    expect(ref.code).toBe(2);
    expect(ref.err).toContain('cannot read model reference "Not A Model"');
    expect(noVersion.code).toBe(2);
    expect(noVersion.err).toContain('name one, such as ctr@2');
    expect(noAlias.code).toBe(2);
    expect(noAlias.err).toContain('no alias to add or remove');
    expect(missingFile.code).toBe(2);
    expect(missingFile.err).toContain('ENOENT');
    expect((await app.inject({ url: '/v1/projects/ml/models/never' })).statusCode).toBe(404);
  }, SLOW);

  it('exits 1 with the API reason for a missing version, a non-ONNX file, and --no-create on a missing model', async () => {
    // 3 MB of noise: many read chunks, so the precomputed Content-Length is exercised too.
    const junk = join(dir, 'junk.onnx');
    writeFileSync(junk, randomBytes(3_000_000));
    const [missing, invalid, noCreate] = await Promise.all([
      rouge$('models', 'download', 'ctr@9', '-o', join(dir, 'nine.onnx')),
      rouge$('models', 'upload', junk, '--name', 'junk'),
      rouge$('models', 'upload', onnxPath, '--name', 'absent', '--no-create'),
    ]);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('(MODEL_VERSION_NOT_FOUND)');
    expect(existsSync(join(dir, 'nine.onnx'))).toBe(false);
    expect(invalid.code).toBe(1);
    expect(invalid.err).toContain('(ARTIFACT_INVALID)');
    expect(invalid.err).toContain('is not a valid onnx model');
    expect(noCreate.code).toBe(1);
    expect(noCreate.err).toContain('(MODEL_NOT_FOUND)');
    expect((await api('/v1/projects/ml/models/absent')).error.status).toBe('NOT_FOUND');
  }, SLOW);

  it('sends --parent, --operation and --pipeline-run as lineage; a bad or missing parent is refused', async () => {
    expect((await rouge$('models', 'upload', onnxPath, '--name', 'lineage')).code).toBe(0);
    const child = await rouge$('models', 'upload', onnxPath, '--name', 'lineage', '--parent', '1', '--operation', 'operations/train-7', '--pipeline-run', 'runs/7');
    expect(child.code, child.err).toBe(0);
    expect(child.out).toMatch(/^parent:\s+1$/m);
    expect((await api('/v1/projects/ml/models/lineage/versions/2')).lineage).toEqual({ parentVersion: 1, operation: 'operations/train-7', pipelineRun: 'runs/7', createdBy: 'user:admin' });
    const [notNumber, missing] = await Promise.all([
      rouge$('models', 'upload', onnxPath, '--name', 'lineage', '--parent', 'latest'),
      rouge$('models', 'upload', onnxPath, '--name', 'lineage', '--parent', '9'),
    ]);
    expect(notNumber.code).toBe(2);
    expect(notNumber.err).toContain("option '--parent <version>' argument 'latest' is invalid");
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('(PARENT_VERSION_NOT_FOUND)');
    expect((await api('/v1/projects/ml/models/lineage/versions')).versions).toHaveLength(2);
  }, SLOW);

  it('creates, lists, gets and deletes models, and deletes a version', async () => {
    const created = await rouge$('models', 'create', 'ranker', '--display-name', 'Ranker', '--description', 'reranks search', '--label', 'team=search');
    expect(created.code).toBe(0);
    expect(created.out).toContain('Created model ranker.');
    expect(created.out).toMatch(/^labels:\s+team=search$/m);
    const again = await rouge$('models', 'create', 'ranker');
    expect(again.code).toBe(1);
    expect(again.err).toContain('(MODEL_ALREADY_EXISTS)');

    const [list, listJson, get] = await Promise.all([rouge$('models', 'list'), rouge$('models', 'list', '--json'), rouge$('models', 'get', 'ranker')]);
    expect(list.out).toMatch(/^MODEL\s+DISPLAY NAME\s+LABELS\s+CREATED$/m);
    expect(list.out).toMatch(/^ranker\s+Ranker\s+team=search\s+/m);
    expect(JSON.parse(listJson.out)).toEqual(await api('/v1/projects/ml/models?pageSize=100'));
    expect(get.out).toMatch(/^description:\s+reranks search$/m);

    // Version 2 of ranker (1 holds default) can go; the holder of default cannot.
    expect((await rouge$('models', 'upload', onnxPath, '--name', 'ranker')).code).toBe(0);
    expect((await rouge$('models', 'upload', onnxPath, '--name', 'ranker')).code).toBe(0);
    const [gone, holder] = await Promise.all([rouge$('models', 'delete-version', 'ranker@2'), rouge$('models', 'delete-version', 'ranker@1')]);
    expect(gone.code).toBe(0);
    expect(gone.out).toBe('Deleted ranker@2.\n');
    expect((await app.inject({ url: '/v1/projects/ml/models/ranker/versions/2' })).statusCode).toBe(404);
    expect(holder.code).toBe(1);
    expect(holder.err).toContain('(VERSION_HOLDS_DEFAULT)');

    const deleted = await rouge$('models', 'delete', 'ranker');
    expect(deleted.code).toBe(0);
    expect(deleted.out).toBe('Deleted model ranker with all its versions.\n');
    expect((await app.inject({ url: '/v1/projects/ml/models/ranker' })).statusCode).toBe(404);
    expect((await rouge$('models', 'get', 'ranker')).code).toBe(1);
  }, SLOW);
});

describe('rouge models download checks the digest', () => {
  let fake: Server;
  let fakeUrl: string;
  const bytes = Buffer.from('not what the digest says');

  beforeAll(async () => {
    // A server whose X-Rouge-Sha256 does not match the bytes it sends.
    fake = createServer((req, res) => {
      if (req.url === '/v1/projects/ml/models/ctr/versions/1') {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ name: 'projects/ml/models/ctr/versions/1', model: 'projects/ml/models/ctr', versionId: '1', versionAliases: ['default'], framework: 'onnx', description: '', labels: {}, metrics: {}, lineage: {}, artifact: { uri: 'x', sha256: 'a'.repeat(64), sizeBytes: bytes.length }, versionCreateTime: new Date().toISOString() }));
      } else if (req.url === '/v1/projects/ml/models/ctr/versions/1/artifact') {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.length, 'x-rouge-sha256': 'a'.repeat(64) });
        res.end(bytes);
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
    fakeUrl = `http://127.0.0.1:${(fake.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((r) => fake.close(() => r())));

  it('deletes the temporary file and exits 1 on a sha256 mismatch, leaving no file at the target', async () => {
    const out = mkdtempSync(join(tmpdir(), 'rouge-cli-mismatch-'));
    const target = join(out, 'model.onnx');
    const r = await rouge(['models', 'download', 'ctr@1', '-o', target], { ...env, ROUGE_URL: fakeUrl });
    expect(r.code).toBe(1);
    expect(r.err).toContain(`rouge: sha256 mismatch for ctr@1: the server declared ${'a'.repeat(64)} but the ${bytes.length} B received hash to ${sha(bytes)}; ${target} was not written`);
    expect(readdirSync(out)).toEqual([]);
  }, SLOW);
});

describe('CLI transfer kit', () => {
  it('streams a multipart body whose length is the declared Content-Length', async () => {
    const path = join(dir, 'kit.bin');
    const data = randomBytes(200_000);
    writeFileSync(path, data);
    let counted = 0;
    const mp = multipartBody([{ name: 'metadata', json: { framework: 'onnx' } }, { name: 'artifact', filename: 'a"b.bin', path, size: data.length, onChunk: (n) => (counted += n) }]);
    const body = Buffer.from(await new Response(mp.body).arrayBuffer());
    expect(body.length).toBe(mp.contentLength);
    expect(counted).toBe(data.length);
    const boundary = mp.contentType.split('boundary=')[1]!;
    const text = body.toString('latin1');
    expect(text.indexOf('name="metadata"')).toBeLessThan(text.indexOf('name="artifact"; filename="a_b.bin"'));
    expect(text.endsWith(`\r\n--${boundary}--\r\n`)).toBe(true);
    expect(body.includes(data)).toBe(true);

    // A file that grows after it was measured fails the body rather than sending a wrong length.
    const short = multipartBody([{ name: 'artifact', filename: 'x', path, size: data.length - 1 }]);
    await expect(new Response(short.body).arrayBuffer()).rejects.toThrow(/changed while it was being uploaded/);
  });

  it('draws a bar with bytes, percent and MB/s on a terminal, and one summary line elsewhere', () => {
    let t = 0;
    const tty = { isTTY: true, columns: 120, text: '', write(s: string) { this.text += s; } };
    const p = byteProgress({ active: 'uploading ctr', past: 'Uploaded', total: 4_000_000, out: tty, now: () => t });
    t = 1000;
    p.advance(2_000_000);
    expect(tty.text).toBe('\ruploading ctr [############------------]  50%  2.00 MB / 4.00 MB  2.00 MB/s\u001b[K');
    t = 1050;
    p.advance(1_000_000); // within 100 ms of the last draw: not redrawn
    expect(tty.text.split('\r')).toHaveLength(2);
    t = 2000;
    p.advance(1_000_000);
    p.done();
    expect(tty.text.endsWith('\ruploading ctr [########################] 100%  4.00 MB / 4.00 MB  2.00 MB/s\u001b[K\n')).toBe(true);

    const pipe = { isTTY: false, text: '', write(s: string) { this.text += s; } };
    t = 0;
    const q = byteProgress({ active: 'downloading', past: 'Downloaded', total: 3_000_000, out: pipe, now: () => t });
    q.advance(3_000_000);
    t = 1500;
    q.done();
    expect(pipe.text).toBe('Downloaded 3.00 MB in 1.5 s (2.00 MB/s)\n');
  });
});
