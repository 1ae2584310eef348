import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MODULES } from '../src/app.js';
import { contribute, type RougeModule } from '../src/platform/index.js';
import { FRAMEWORKS, RegistryErrors } from '../src/registry/index.js';
import { registerRuntime } from '../src/serving/index.js';
import { reasonOf, registryApp } from './helpers/registry.js';
import { STORE_KINDS } from './helpers/stores.js';
import { until } from './helpers/until.js';

// A Rouge-native kind as a later module declares it: a JSON artifact with an
// `items` array, whose count the registry stores as metadata, and a runtime
// that serves it on an endpoint (each instance gets the item at its index).
const rougeTest = contribute(FRAMEWORKS, {
  name: 'rouge-test',
  artifact: 'required',
  extension: 'json',
  async inspect(path) {
    let model: { items?: unknown; threshold?: unknown };
    try {
      model = JSON.parse(await readFile(path, 'utf8'));
    } catch (e) {
      throw RegistryErrors.ARTIFACT_INVALID({ framework: 'rouge-test', why: `it is not JSON (${(e as Error).message})` });
    }
    if (!Array.isArray(model.items)) throw RegistryErrors.ARTIFACT_INVALID({ framework: 'rouge-test', why: 'it has no "items" array' });
    return { metadata: { itemCount: model.items.length, threshold: model.threshold ?? null } };
  },
});
const rougeTestRuntime = registerRuntime('rouge-test', async (req) => {
  const { items } = JSON.parse(await readFile(await req.localArtifact(), 'utf8')) as { items: string[] };
  return {
    deployedModelId: req.deployedModelId, model: req.model, versionId: req.versionId, displayName: req.displayName, framework: 'rouge-test', signature: undefined,
    predict: async (instances) => instances.map((i) => items[Number(i)] ?? null),
    infer: async () => [],
    warm: async () => undefined,
    release: async () => undefined,
  };
});
const testKindModule: RougeModule = { name: 'test-kind', contributes: [rougeTest, rougeTestRuntime], setup: () => ({ face: {} }) };

describe.each(STORE_KINDS)('a registered framework on %s', (kind) => {
  let r: Awaited<ReturnType<typeof registryApp>>;
  let app: FastifyInstance;
  beforeEach(async () => {
    r = await registryApp(kind, { modules: [...MODULES, testKindModule] });
    app = r.app;
  });
  afterEach(async () => {
    await app.close();
  });

  const testVersion = (artifact: string) =>
    r.upload([{ name: 'metadata', value: JSON.stringify({ framework: 'rouge-test', aliases: ['champion'] }) }, { name: 'artifact', filename: 'model.json', data: Buffer.from(artifact) }]);

  it('uploads through the API and shows the metadata its inspect read', async () => {
    const artifact = JSON.stringify({ items: ['a', 'b', 'c'], threshold: 0.5 });
    const res = await testVersion(artifact);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ versionId: '1', framework: 'rouge-test', versionAliases: ['default', 'champion'], metadata: { itemCount: 3, threshold: 0.5 } });
    expect(res.json().signature).toBeUndefined();
    const got = await app.inject({ url: '/v1/projects/ds/models/ctr/versions/champion' });
    expect(got.json().metadata).toEqual({ itemCount: 3, threshold: 0.5 });
    const download = await app.inject({ url: '/v1/projects/ds/models/ctr/versions/1/artifact' });
    expect(download.headers['content-disposition']).toBe('attachment; filename="ctr-1.json"');
    expect(download.body).toBe(artifact);
  });

  it('refuses an artifact its inspect rejects with ARTIFACT_INVALID, storing nothing', async () => {
    const refused: Array<[string, string]> = [['{"users": []}', 'it has no "items" array'], ['not json', 'it is not JSON']];
    for (const [artifact, why] of refused) {
      const res = await testVersion(artifact);
      expect(res.statusCode).toBe(400);
      expect(reasonOf(res)).toBe('ARTIFACT_INVALID');
      expect(res.json().error.message).toContain(`The artifact is not a valid rouge-test model: ${why}`);
    }
    expect(await r.versions()).toEqual([]);
    expect(await app.rouge.blobs.list('models/')).toEqual([]);
  });

  it('lists it among the known frameworks when another name is unknown', async () => {
    const res = await r.upload([{ name: 'metadata', value: JSON.stringify({ framework: 'rouge-nope' }) }]);
    expect(reasonOf(res)).toBe('FRAMEWORK_UNKNOWN');
    expect(res.json().error.message).toContain('rouge-test');
  });

  it('deploys a version of the kind on an endpoint through its contributed runtime, and predicts with it', async () => {
    expect((await testVersion(JSON.stringify({ items: ['a', 'b', 'c'] }))).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/v1/projects/ds/endpoints', payload: { name: 'kind' } })).statusCode).toBe(200);
    const op = await app.inject({ method: 'POST', url: '/v1/projects/ds/endpoints/kind:deployModel', payload: { deployedModel: { model: 'ctr@champion' }, trafficSplit: { '0': 100 } } });
    expect(op.statusCode, op.body).toBe(200);
    const done = await until('the deploy to finish', async () => {
      const o = await app.inject({ url: `/v1/${op.json().name}` });
      return o.json().done ? (o.json() as { error?: unknown }) : undefined;
    });
    expect(done.error).toBeUndefined();
    const res = await app.inject({ method: 'POST', url: '/v1/projects/ds/endpoints/kind:predict', payload: { instances: [2, 0] } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().predictions).toEqual(['c', 'a']);
  });

  it('is unknown, and not deployable, in an app built without the module that contributes it', async () => {
    const plain = await registryApp(kind);
    try {
      const res = await plain.upload([{ name: 'metadata', value: JSON.stringify({ framework: 'rouge-test' }) }, { name: 'artifact', filename: 'm.json', data: Buffer.from('{"items": []}') }]);
      expect(reasonOf(res)).toBe('FRAMEWORK_UNKNOWN');
    } finally {
      await plain.app.close();
    }
  });
});
