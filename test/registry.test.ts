import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildLogisticRegression } from './fixtures/onnx-builder.js';
import { ADMIN_KEY, bearer, buildTestApp } from './helpers/app.js';
import { multipart, type Part } from './helpers/multipart.js';
import { STORE_KINDS } from './helpers/stores.js';
import { until } from './helpers/until.js';

const ONNX = Buffer.from(buildLogisticRegression({ features: 4, seed: 7 }));
const sha = (b: Buffer | Uint8Array) => createHash('sha256').update(b).digest('hex');

describe.each(STORE_KINDS)('model registry on %s', (kind) => {
  let app: FastifyInstance;
  beforeEach(async () => {
    app = await buildTestApp(kind, { maxArtifactBytes: 64 * 1024 });
    await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: 'ds' } });
    await app.inject({ method: 'POST', url: '/v1/projects/ds/models', payload: { name: 'ctr', displayName: 'Click-through', labels: { team: 'recs' } } });
  });
  afterEach(async () => {
    await app.close();
  });

  const upload = (parts: Part[], model = 'ctr') => {
    const { payload, headers } = multipart(parts);
    return app.inject({ method: 'POST', url: `/v1/projects/ds/models/${model}/versions`, headers, payload });
  };
  const onnxVersion = (meta: Record<string, unknown> = {}, data: Buffer = ONNX) =>
    upload([{ name: 'metadata', value: JSON.stringify({ framework: 'onnx', ...meta }) }, { name: 'artifact', filename: 'model.onnx', data }]);
  const reasonOf = (res: { json(): any }) => res.json().error.details[0].reason as string;
  const storedBlobs = () => app.rouge.blobs.list('models/');
  const versionCount = async () => (await app.inject({ url: '/v1/projects/ds/models/ctr/versions' })).json().versions.length as number;

  it('uploads an ONNX version, reads its signature, and puts default on the first', async () => {
    const res = await onnxVersion({ aliases: ['champion'], metrics: { auc: 0.81 }, labels: { stage: 'prod' }, description: 'first', lineage: { pipelineRun: 'runs/7' } });
    expect(res.statusCode).toBe(200);
    const v = res.json();
    expect(v).toMatchObject({
      name: 'projects/ds/models/ctr/versions/1', model: 'projects/ds/models/ctr', versionId: '1', versionAliases: ['default', 'champion'],
      framework: 'onnx', metrics: { auc: 0.81 }, labels: { stage: 'prod' }, description: 'first',
      lineage: { pipelineRun: 'runs/7', createdBy: 'user:admin' },
      signature: { inputs: [{ name: 'X', datatype: 'FP32', shape: [-1, 4] }], outputs: [{ name: 'probability', datatype: 'FP32', shape: [-1, 1] }] },
      artifact: { sha256: sha(ONNX), sizeBytes: ONNX.length },
    });
    const second = (await onnxVersion()).json();
    expect(second).toMatchObject({ versionId: '2', versionAliases: [] });
    const list = (await app.inject({ url: '/v1/projects/ds/models/ctr/versions' })).json();
    expect(list.versions.map((x: { versionId: string }) => x.versionId)).toEqual(['1', '2']);
    expect((await app.inject({ url: '/v1/projects/ds/models/ctr/versions/champion' })).json().versionId).toBe('1');
  });

  it('streams the artifact back with its sha256 in a header', async () => {
    await onnxVersion({ aliases: ['champion'] });
    const res = await app.inject({ url: '/v1/projects/ds/models/ctr/versions/champion/artifact' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-rouge-sha256']).toBe(sha(ONNX));
    expect(res.headers['content-disposition']).toBe('attachment; filename="ctr-1.onnx"');
    expect(sha(res.rawPayload)).toBe(sha(ONNX));
  });

  it('moves, adds and removes aliases with mergeVersionAliases, keeping default', async () => {
    await onnxVersion({ aliases: ['champion'] });
    await onnxVersion();
    const moved = await app.inject({ method: 'POST', url: '/v1/projects/ds/models/ctr/versions/2:mergeVersionAliases', payload: { versionAliases: ['champion', 'canary'] } });
    expect(moved.json().versionAliases).toEqual(['canary', 'champion']);
    expect((await app.inject({ url: '/v1/projects/ds/models/ctr/versions/1' })).json().versionAliases).toEqual(['default']);
    const removed = await app.inject({ method: 'POST', url: '/v1/projects/ds/models/ctr/versions/2:mergeVersionAliases', payload: { versionAliases: ['-canary'] } });
    expect(removed.json().versionAliases).toEqual(['champion']);
    const def = await app.inject({ method: 'POST', url: '/v1/projects/ds/models/ctr/versions/1:mergeVersionAliases', payload: { versionAliases: ['-default'] } });
    expect(def.statusCode).toBe(400);
    expect(reasonOf(def)).toBe('ALIAS_DEFAULT_REQUIRED');
    const moveDefault = await app.inject({ method: 'POST', url: '/v1/projects/ds/models/ctr/versions/champion:mergeVersionAliases', payload: { versionAliases: ['default'] } });
    expect(moveDefault.json()).toMatchObject({ versionId: '2', versionAliases: ['default', 'champion'] });
    const events = (await app.inject({ url: '/v1/projects/ds/cloudEvents?type=rouge.model.alias.moved' })).json().cloudEvents;
    expect(events.at(-1).data).toEqual({ model: 'projects/ds/models/ctr', alias: 'default', fromVersionId: '1', toVersionId: '2' });
  });

  it('refuses numeric and badly formed aliases', async () => {
    await onnxVersion();
    for (const alias of ['7', 'Champion', 'a', 'ends-', 'has_underscore', `a${'b'.repeat(128)}`]) {
      const res = await app.inject({ method: 'POST', url: '/v1/projects/ds/models/ctr/versions/1:mergeVersionAliases', payload: { versionAliases: [alias] } });
      expect(res.statusCode, alias).toBe(400);
    }
    const upload = await onnxVersion({ aliases: ['42'] });
    expect(reasonOf(upload)).toBe('ALIAS_INVALID');
    expect(await versionCount()).toBe(1);
  });

  it('leaves exactly one holder when two clients move one alias at once', async () => {
    await onnxVersion();
    await onnxVersion();
    await onnxVersion();
    const moves = await Promise.all(['1', '2', '3', '1', '2', '3'].map((v) => app.inject({ method: 'POST', url: `/v1/projects/ds/models/ctr/versions/${v}:mergeVersionAliases`, payload: { versionAliases: ['champion'] } })));
    for (const m of moves) expect(m.statusCode).toBe(200);
    const holders = (await app.inject({ url: '/v1/projects/ds/models/ctr/versions' })).json().versions.filter((v: { versionAliases: string[] }) => v.versionAliases.includes('champion'));
    expect(holders).toHaveLength(1);
  });

  it('answers a version or alias that does not exist with 404 MODEL_VERSION_NOT_FOUND', async () => {
    await onnxVersion();
    for (const ref of ['9', 'nobody']) {
      const res = await app.inject({ url: `/v1/projects/ds/models/ctr/versions/${ref}` });
      expect(res.statusCode).toBe(404);
      expect(reasonOf(res)).toBe('MODEL_VERSION_NOT_FOUND');
    }
    expect(reasonOf(await app.inject({ url: '/v1/projects/ds/models/nope/versions' }))).toBe('MODEL_NOT_FOUND');
  });

  it('refuses to delete the holder of default, and deletes another version with its artifact', async () => {
    await onnxVersion();
    await onnxVersion();
    expect(reasonOf(await app.inject({ method: 'DELETE', url: '/v1/projects/ds/models/ctr/versions/1' }))).toBe('VERSION_HOLDS_DEFAULT');
    expect((await storedBlobs()).length).toBe(2);
    expect((await app.inject({ method: 'DELETE', url: '/v1/projects/ds/models/ctr/versions/2' })).statusCode).toBe(200);
    expect((await storedBlobs()).length).toBe(1);
  });

  describe('bad uploads store nothing', () => {
    it('refuses a file that is not ONNX with ARTIFACT_INVALID', async () => {
      const res = await onnxVersion({}, Buffer.from('this is a pickle, not an onnx graph'));
      expect(res.statusCode).toBe(400);
      expect(reasonOf(res)).toBe('ARTIFACT_INVALID');
      expect(res.json().error.message).toContain('onnxruntime cannot load it');
      expect(await versionCount()).toBe(0);
      expect(await storedBlobs()).toEqual([]);
    });

    it('refuses a wrong sha256', async () => {
      const res = await onnxVersion({ sha256: '0'.repeat(64) });
      expect(reasonOf(res)).toBe('ARTIFACT_SHA256_MISMATCH');
      expect(res.json().error.message).toContain(sha(ONNX));
      expect(await versionCount()).toBe(0);
      expect(await storedBlobs()).toEqual([]);
    });

    it('refuses a metadata part after the artifact part', async () => {
      const res = await upload([{ name: 'artifact', filename: 'model.onnx', data: ONNX }, { name: 'metadata', value: '{"framework":"onnx"}' }]);
      expect(res.statusCode).toBe(400);
      expect(reasonOf(res)).toBe('MULTIPART_INVALID');
      expect(res.json().error.message).toContain('the metadata part must come first');
      expect(await versionCount()).toBe(0);
    });

    it('refuses metadata with an unknown field or an unknown framework', async () => {
      const unknown = await onnxVersion({ owner: 'me' });
      expect(reasonOf(unknown)).toBe('UNKNOWN_FIELD');
      expect(unknown.json().error.message).toContain('metadata.owner');
      expect(reasonOf(await onnxVersion({ framework: 'pickle' }))).toBe('FRAMEWORK_UNKNOWN');
    });

    it('answers an artifact over the limit with 413 before reading the body', async () => {
      const big = Buffer.alloc(2 * 1024 * 1024, 7);
      const res = await onnxVersion({}, big);
      expect(res.statusCode).toBe(413);
      expect(reasonOf(res)).toBe('ARTIFACT_TOO_LARGE');
      expect(await storedBlobs()).toEqual([]);
    });

    it('answers a chunked artifact over the limit (no Content-Length) with 413 and stores nothing', async () => {
      const { payload, headers } = multipart([{ name: 'metadata', value: '{"framework":"onnx"}' }, { name: 'artifact', filename: 'big.onnx', data: Buffer.alloc(200 * 1024, 3) }]);
      const { Readable } = await import('node:stream');
      const { 'content-length': _omit, ...chunked } = headers;
      const res = await app.inject({ method: 'POST', url: '/v1/projects/ds/models/ctr/versions', headers: chunked, payload: Readable.from([payload.subarray(0, 1000), payload.subarray(1000)]) });
      expect(res.statusCode).toBe(413);
      expect(reasonOf(res)).toBe('ARTIFACT_TOO_LARGE');
      expect(await versionCount()).toBe(0);
      expect(await storedBlobs()).toEqual([]);
    });

    it('leaves no version and no blob when the upload is cut off halfway', async () => {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const port = (app.server.address() as AddressInfo).port;
      const { payload, headers } = multipart([{ name: 'metadata', value: '{"framework":"onnx"}' }, { name: 'artifact', filename: 'm.onnx', data: Buffer.alloc(60 * 1024, 1) }]);
      await new Promise<void>((resolve) => {
        const req = httpRequest({ port, host: '127.0.0.1', method: 'POST', path: '/v1/projects/ds/models/ctr/versions', headers: { ...headers, ...bearer(ADMIN_KEY) } });
        req.on('error', () => resolve());
        req.on('response', () => resolve());
        req.write(payload.subarray(0, Math.floor(payload.length / 2)), () => {
          setTimeout(() => req.destroy(), 50);
        });
      });
      // The server notices the aborted stream and cleans up; nothing is stored.
      await until('the aborted upload to be cleaned up', async () => ((await storedBlobs()).length === 0 ? true : undefined));
      expect(await versionCount()).toBe(0);
      const ok = await onnxVersion();
      expect(ok.json().versionId).toBe('1');
    });
  });

  describe('framework http', () => {
    it('stores a custom model server spec with defaults and no artifact', async () => {
      const res = await upload([{ name: 'metadata', value: JSON.stringify({ framework: 'http', spec: { upstreams: ['http://10.0.0.5:8080'] } }) }]);
      expect(res.json()).toMatchObject({ versionId: '1', framework: 'http', spec: { upstreams: ['http://10.0.0.5:8080'], predictRoute: '/predict', healthRoute: '/health', timeoutMs: 10000 } });
      expect(res.json().artifact).toBeUndefined();
      const download = await app.inject({ url: '/v1/projects/ds/models/ctr/versions/1/artifact' });
      expect(download.statusCode).toBe(404);
      expect(reasonOf(download)).toBe('VERSION_HAS_NO_ARTIFACT');
    });

    it('refuses an artifact or a bad spec', async () => {
      const withArtifact = await upload([{ name: 'metadata', value: JSON.stringify({ framework: 'http', spec: { upstreams: ['http://x:1'] } }) }, { name: 'artifact', filename: 'x', data: ONNX }]);
      expect(reasonOf(withArtifact)).toBe('ARTIFACT_UNEXPECTED');
      const badSpec = await upload([{ name: 'metadata', value: JSON.stringify({ framework: 'http', spec: { upstreams: ['ftp://x'] } }) }]);
      expect(reasonOf(badSpec)).toBe('SPEC_INVALID');
      const missing = await upload([{ name: 'metadata', value: JSON.stringify({ framework: 'onnx' }) }]);
      expect(reasonOf(missing)).toBe('ARTIFACT_REQUIRED');
    });
  });

  it('writes rouge.model.version.created through the outbox', async () => {
    await onnxVersion({ aliases: ['champion'] });
    const events = (await app.inject({ url: '/v1/projects/ds/cloudEvents?type=rouge.model.version.created' })).json().cloudEvents;
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ subject: 'models/ctr/versions/1', data: { name: 'projects/ds/models/ctr/versions/1', framework: 'onnx', createdBy: 'user:admin' } });
  });

  it('follows Vertex label rules on models', async () => {
    const bad = await app.inject({ method: 'POST', url: '/v1/projects/ds/models', payload: { name: 'm2', labels: { Team: 'x' } } });
    expect(reasonOf(bad)).toBe('LABELS_INVALID');
    const patched = await app.inject({ method: 'PATCH', url: '/v1/projects/ds/models/ctr?updateMask=displayName', payload: { displayName: 'CTR', description: 'ignored' } });
    expect(patched.json()).toMatchObject({ displayName: 'CTR', description: '', labels: { team: 'recs' } });
  });

  it('lets a viewer read and download but not upload', async () => {
    await onnxVersion();
    await app.inject({ method: 'POST', url: '/v1/projects/ds/serviceAccounts', payload: { name: 'reader' } });
    await app.inject({ method: 'POST', url: '/v1/projects/ds/bindings', payload: { principal: 'serviceAccount:reader@ds', role: 'viewer' } });
    const key = (await app.inject({ method: 'POST', url: '/v1/projects/ds/serviceAccounts/reader/keys', payload: {} })).json().key;
    expect((await app.inject({ url: '/v1/projects/ds/models/ctr/versions/1/artifact', headers: bearer(key) })).statusCode).toBe(200);
    const { payload, headers } = multipart([{ name: 'metadata', value: '{"framework":"onnx"}' }, { name: 'artifact', filename: 'm', data: ONNX }]);
    const res = await app.inject({ method: 'POST', url: '/v1/projects/ds/models/ctr/versions', headers: { ...headers, ...bearer(key) }, payload });
    expect(res.statusCode).toBe(403);
  });
});
