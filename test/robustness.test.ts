import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { finished, jsonl } from './catalog-helpers.js';
import { buildIdentityModel, type DimSpec, type OnnxDataType } from './fixtures/onnx-builder.js';
import { ADMIN_KEY, bearer, buildTestApp } from './helpers/app.js';
import { multipart } from './helpers/multipart.js';
import { STORE_KINDS } from './helpers/stores.js';
import { until } from './helpers/until.js';

const reasonOf = (res: { json(): any }) => res.json().error?.details?.[0]?.reason as string;

/** Bad prediction inputs (issue #14, item 2), over real HTTP with the fast lane on and off. */
describe.each([true, false])('prediction inputs that do not fit the model, fast lane %s', (fastLane) => {
  let app: FastifyInstance;
  let base: string;
  const MODELS: Array<[string, OnnxDataType, DimSpec[]]> = [['u8', 'uint8', [null, 2]], ['i64', 'int64', [null, 2]], ['str', 'string', [null, 1]], ['fixed', 'float32', [2, 3]]];

  beforeAll(async () => {
    app = await buildTestApp('sqlite', { fastLane, rateLimitPerSecond: 0 }, { workerPollMs: 10 });
    await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: 'ds' } });
    for (const [name, datatype, shape] of MODELS) {
      await app.inject({ method: 'POST', url: '/v1/projects/ds/models', payload: { name } });
      const { payload, headers } = multipart([{ name: 'metadata', value: '{"framework":"onnx"}' }, { name: 'artifact', filename: 'm.onnx', data: Buffer.from(buildIdentityModel({ name, datatype, shape })) }]);
      expect((await app.inject({ method: 'POST', url: `/v1/projects/ds/models/${name}/versions`, headers, payload })).statusCode).toBe(200);
      await app.inject({ method: 'POST', url: '/v1/projects/ds/endpoints', payload: { name } });
      const op = (await app.inject({ method: 'POST', url: `/v1/projects/ds/endpoints/${name}:deployModel`, payload: { deployedModel: { model: `${name}@1` }, trafficSplit: { '0': 100 } } })).json();
      const done = await until(`deploy ${name}`, async () => {
        const o = (await app.inject({ url: `/v1/${op.name}` })).json();
        return o.done ? o : undefined;
      });
      expect(done.error, JSON.stringify(done.error)).toBeUndefined();
    }
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app.close();
  });

  const post = async (path: string, body: string) => {
    // Twice: the first call warms the caches the lane reads; the second is the one that counts.
    let res!: Response;
    for (let i = 0; i < 2; i++) res = await fetch(`${base}${path}`, { method: 'POST', headers: { ...bearer(ADMIN_KEY), 'content-type': 'application/json' }, body });
    return { status: res.status, json: (await res.json()) as any };
  };
  const predict = (m: string, instances: unknown) => post(`/v1/projects/ds/endpoints/${m}:predict`, JSON.stringify({ instances }));
  const infer = (m: string, input: object) => post(`/v2/models/ds.${m}/infer`, JSON.stringify({ inputs: [input] }));

  it('refuses integers out of their type\'s range instead of wrapping them', async () => {
    expect((await predict('u8', [[1, 255]])).status).toBe(200);
    const wrapped = await predict('u8', [[300, 1]]);
    expect([wrapped.status, wrapped.json.error.details[0].reason]).toEqual([400, 'INPUT_INVALID']);
    expect((await infer('u8', { name: 'input', shape: [1, 2], datatype: 'UINT8', data: [-1, 2] })).status).toBe(400);
    expect((await predict('i64', [['9223372036854775807', 1]])).status).toBe(200);
    expect((await predict('i64', [['9223372036854775808', 1]])).status).toBe(400);
    expect((await predict('i64', [[2 ** 60, 1]])).status).toBe(400); // a JSON number past 2^53 has lost digits already
  });

  it('refuses BYTES holding a NUL instead of cutting them there', async () => {
    expect((await predict('str', [['abc']])).status).toBe(200);
    const cut = await infer('str', { name: 'input', shape: [1, 1], datatype: 'BYTES', data: ['ab\u0000cd'] });
    expect(cut.status).toBe(400);
    expect(cut.json.error).toContain('holds values that are not BYTES');
    expect((await predict('str', [['ab\u0000cd']])).json.error.details[0].reason).toBe('INPUT_INVALID');
  });

  it('refuses nesting 20,000 deep with INPUT_INVALID instead of overflowing the stack', async () => {
    const deep = `${'['.repeat(20_000)}1${']'.repeat(20_000)}`;
    const res = await post('/v1/projects/ds/endpoints/u8:predict', `{"instances": [${deep}]}`);
    expect([res.status, res.json.error.details[0].reason]).toEqual([400, 'INPUT_INVALID']);
    const oip = await post('/v2/models/ds.u8/infer', `{"inputs": [{"name": "input", "shape": [1, 2], "datatype": "UINT8", "data": ${deep}}]}`);
    expect(oip.status).toBe(400);
  });

  it('tells a caller of a fixed-batch model how many instances it takes', async () => {
    expect((await predict('fixed', [[1, 2, 3], [4, 5, 6]])).status).toBe(200);
    const one = await predict('fixed', [[1, 2, 3]]);
    expect([one.status, one.json.error.details[0].reason]).toEqual([400, 'INPUT_INVALID']);
    expect(one.json.error.message).toContain('takes exactly 2 instances per request');
  });
});

/** NUL characters (issue #14, item 1) on both stores. */
describe.each(STORE_KINDS)('strings with NUL characters on %s', (kind) => {
  let app: FastifyInstance;
  afterEach(async () => {
    await app?.close();
  });

  it('refuses them at validation naming the field, everywhere, and rejects one import line alone', async () => {
    app = await buildTestApp(kind, {}, { workerPollMs: 10 });
    const res = await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: 'nul', displayName: 'a\u0000b' } });
    expect([res.statusCode, reasonOf(res)]).toEqual([400, 'INVALID_FIELD']);
    expect(res.json().error.message).toContain('displayName');
    await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: 'shop' } });
    const item = await app.inject({ method: 'PUT', url: '/v1/projects/shop/catalog/items/x', payload: { title: 'ok', categoryPath: ['A'], attributes: { 'sh\u0000de': 'x' } } });
    expect([item.statusCode, reasonOf(item)]).toEqual([400, 'INVALID_FIELD']);
    const events = await app.inject({ method: 'POST', url: '/v1/projects/shop/userEvents:write', payload: { events: [{ eventId: 'e1', type: 'view', userId: 'u\u0000', itemIds: ['x'], eventTime: new Date().toISOString() }] } });
    expect(events.statusCode).toBe(400);
    const lines = jsonl([{ id: 'good', title: 'Good', categoryPath: ['A'] }, { id: 'bad', title: 'Ba\u0000d', categoryPath: ['A'] }, { id: 'fine', title: 'Fine', categoryPath: ['A'] }]);
    const op = await app.inject({ method: 'POST', url: '/v1/projects/shop/catalog/items:import', headers: { 'content-type': 'application/x-ndjson' }, payload: lines });
    const done = await finished(app, op.json().name);
    expect(done.response).toMatchObject({ inserted: 2, rejected: 1 });
  });
});

/** Items 5, 9, 11 and 12 of issue #14, on both stores. */
describe.each(STORE_KINDS)('the loose edges of the API on %s', (kind) => {
  let app: FastifyInstance;
  afterEach(async () => {
    await app?.close();
  });
  const upload = async (model: string, lineage?: object) => {
    const { buildLogisticRegression } = await import('./fixtures/onnx-builder.js');
    const { payload, headers } = multipart([{ name: 'metadata', value: JSON.stringify({ framework: 'onnx', ...(lineage ? { lineage } : {}) }) }, { name: 'artifact', filename: 'm.onnx', data: Buffer.from(buildLogisticRegression({ features: 4, seed: 2 })) }]);
    return app.inject({ method: 'POST', url: `/v1/projects/ds/models/${model}/versions`, headers, payload });
  };
  const deploy = async (split: Record<string, number>) => {
    const op = (await app.inject({ method: 'POST', url: '/v1/projects/ds/endpoints/ep:deployModel', payload: { deployedModel: { model: 'ctr@1' }, trafficSplit: split } })).json();
    return until('deploy', async () => {
      const o = (await app.inject({ url: `/v1/${op.name}` })).json();
      return o.done ? o.response.id as string : undefined;
    });
  };

  it('refuses item ids . and .., a bogus updateMask, lists under a missing project, and an oversized lineage', async () => {
    app = await buildTestApp(kind, {}, { workerPollMs: 10 });
    await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: 'ds' } });
    for (const id of ['.', '..']) {
      const res = await app.inject({ method: 'POST', url: '/v1/projects/ds/catalog/items:import', headers: { 'content-type': 'application/x-ndjson' }, payload: jsonl([{ id, title: 't', categoryPath: ['A'] }]) });
      expect((await finished(app, res.json().name)).response, id).toMatchObject({ inserted: 0, rejected: 1 });
    }
    await app.inject({ method: 'POST', url: '/v1/projects/ds/models', payload: { name: 'ctr' } });
    const before = (await app.inject({ url: '/v1/projects/ds/models/ctr' })).json().updateTime;
    const bogus = await app.inject({ method: 'PATCH', url: '/v1/projects/ds/models/ctr?updateMask=bogus', payload: { description: 'x' } });
    expect([bogus.statusCode, reasonOf(bogus)]).toEqual([400, 'INVALID_FIELD']);
    expect(bogus.json().error.message).toContain('use displayName, description, labels');
    expect((await app.inject({ url: '/v1/projects/ds/models/ctr' })).json().updateTime).toBe(before);
    for (const list of ['models', 'endpoints', 'catalog/items', 'operations', 'serviceAccounts', 'bindings']) {
      const res = await app.inject({ url: `/v1/projects/nowhere/${list}` });
      expect([res.statusCode, reasonOf(res)], list).toEqual([404, 'PROJECT_NOT_FOUND']);
    }
    const huge = await upload('ctr', { note: 'x'.repeat(20_000) });
    expect([huge.statusCode, reasonOf(huge)]).toEqual([400, 'INVALID_FIELD']);
    expect((await upload('ctr', { operation: 'op-1' })).statusCode).toBe(200);
    const missing = await app.inject({ url: '/v1/projects/ds/models/nope/versions/default' });
    expect([missing.statusCode, reasonOf(missing)]).toEqual([404, 'MODEL_NOT_FOUND']);
  });

  it('refuses to undeploy the model with the traffic while another is deployed, and answers OIP readiness with the status code', async () => {
    app = await buildTestApp(kind, {}, { workerPollMs: 10 });
    await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: 'ds' } });
    await app.inject({ method: 'POST', url: '/v1/projects/ds/models', payload: { name: 'ctr' } });
    await upload('ctr');
    await app.inject({ method: 'POST', url: '/v1/projects/ds/endpoints', payload: { name: 'ep' } });
    expect((await app.inject({ url: '/v2/models/ds.ep/ready' })).statusCode).toBe(400);
    const first = await deploy({ '0': 100 });
    const second = await deploy({ [first]: 100, '0': 0 });
    const ready = await app.inject({ url: '/v2/models/ds.ep/ready' });
    expect([ready.statusCode, ready.json()]).toEqual([200, { name: 'ds.ep', ready: true }]);
    const refused = await app.inject({ method: 'POST', url: '/v1/projects/ds/endpoints/ep:undeployModel', payload: { deployedModelId: first } });
    expect([refused.statusCode, reasonOf(refused)]).toEqual([400, 'TRAFFIC_SPLIT_INVALID']);
    expect(refused.json().error.message).toContain(`{"${second}": 100}`);
    const moved = await app.inject({ method: 'POST', url: '/v1/projects/ds/endpoints/ep:undeployModel', payload: { deployedModelId: first, trafficSplit: { [second]: 100 } } });
    expect(moved.statusCode, moved.body).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/v1/projects/ds/endpoints/ep:undeployModel', payload: { deployedModelId: second } })).statusCode).toBe(200); // the last one may go
    // The runtime reloads the endpoint on the change's signal, a moment after the answer.
    await until('the endpoint to report not ready', async () => ((await app.inject({ url: '/v2/models/ds.ep/ready' })).statusCode === 400 ? true : undefined));
  });
});

/** Items 3 and 4 of issue #14: malformed multipart, and the router's and Node's own refusals. */
describe('bodies and URLs the parsers refuse', () => {
  let app: FastifyInstance;
  afterEach(async () => {
    await app?.close();
  });

  it('answers malformed multipart with 400 MULTIPART_INVALID, and reads a metadata part sent as a file', async () => {
    app = await buildTestApp('sqlite');
    await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: 'ds' } });
    await app.inject({ method: 'POST', url: '/v1/projects/ds/models', payload: { name: 'ctr' } });
    const url = '/v1/projects/ds/models/ctr/versions';
    const b = 'XyZbOuNdArY';
    const part = (name: string, body: string, filename?: string) => `--${b}\r\nContent-Disposition: form-data; name="${name}"${filename ? `; filename="${filename}"` : ''}\r\n\r\n${body}\r\n`;
    const cases: Array<[string, string, string]> = [
      ['truncated', `multipart/form-data; boundary=${b}`, part('metadata', '{"framework":"onnx"}').slice(0, 40)],
      ['no final boundary', `multipart/form-data; boundary=${b}`, `${part('metadata', '{"framework":"http","spec":{}}')}`],
      ['no boundary=', 'multipart/form-data', part('metadata', '{}')],
      ['wrong boundary', 'multipart/form-data; boundary=other', `${part('metadata', '{}')}--${b}--\r\n`],
    ];
    for (const [what, type, payload] of cases) {
      const res = await app.inject({ method: 'POST', url, headers: { 'content-type': type }, payload });
      expect([res.statusCode, reasonOf(res)], what).toEqual([400, 'MULTIPART_INVALID']);
    }
    const big = await app.inject({ method: 'POST', url, headers: { 'content-type': `multipart/form-data; boundary=${b}` }, payload: `${part('metadata', `{"description": "${'x'.repeat(1100 * 1024)}"}`)}--${b}--\r\n` });
    expect([big.statusCode, reasonOf(big)]).toEqual([400, 'MULTIPART_INVALID']);
    expect(big.json().error.message).toContain('the metadata part is over');
    const spec = { upstreams: ['http://127.0.0.1:9'], predictRoute: '/predict', healthRoute: '/health' };
    const asFile = await app.inject({ method: 'POST', url, headers: { 'content-type': `multipart/form-data; boundary=${b}` }, payload: `${part('metadata', JSON.stringify({ framework: 'http', spec }), 'blob')}--${b}--\r\n` });
    expect(asFile.statusCode, asFile.body).toBe(200);
  });

  it('answers a bad percent-escape, an over-long segment and a negative Content-Length in the error model', async () => {
    app = await buildTestApp('sqlite');
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as AddressInfo).port;
    const { connect } = await import('node:net');
    const raw = (request: string) => new Promise<string>((resolve) => {
      let out = '';
      const socket = connect(port, '127.0.0.1', () => socket.write(request));
      socket.setEncoding('utf8');
      socket.on('data', (d) => (out += d));
      socket.on('close', () => resolve(out));
    });
    const auth = `Authorization: Bearer ${ADMIN_KEY}\r\nConnection: close\r\nHost: x\r\n`;
    for (const [what, request, reason] of [
      ['%ff', `GET /v1/projects/%ff HTTP/1.1\r\n${auth}\r\n`, 'URL_INVALID'],
      ['long segment', `GET /v1/projects/${'a'.repeat(600)} HTTP/1.1\r\n${auth}\r\n`, 'URL_INVALID'],
      ['negative length', `POST /v1/projects HTTP/1.1\r\n${auth}Content-Type: application/json\r\nContent-Length: -1\r\n\r\n{}`, 'REQUEST_MALFORMED'],
    ] as const) {
      const response = await raw(request);
      expect(response, what).toMatch(/^HTTP\/1\.1 400 /);
      const body = JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4));
      expect(body.error.details[0].reason, what).toBe(reason);
    }
  });
});

/** Item 6 of issue #14: a deploy whose worker was killed ends FAILED, on both stores. */
describe.each(STORE_KINDS)('a deploy whose worker died, on %s', (kind) => {
  let app: FastifyInstance;
  afterEach(async () => {
    await app?.close();
  });

  it('ends FAILED with the reason once its job is over, and leaves a deploy still loading alone', async () => {
    // No worker role: the job stays queued, as if its worker had died before finishing it.
    app = await buildTestApp(kind, { roles: ['api', 'inference'] });
    const { servingModule } = await import('../src/serving/index.js');
    const { buildLogisticRegression } = await import('./fixtures/onnx-builder.js');
    await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: 'ds' } });
    await app.inject({ method: 'POST', url: '/v1/projects/ds/models', payload: { name: 'ctr' } });
    const { payload, headers } = multipart([{ name: 'metadata', value: '{"framework":"onnx"}' }, { name: 'artifact', filename: 'm.onnx', data: Buffer.from(buildLogisticRegression({ features: 4, seed: 3 })) }]);
    await app.inject({ method: 'POST', url: '/v1/projects/ds/models/ctr/versions', headers, payload });
    await app.inject({ method: 'POST', url: '/v1/projects/ds/endpoints', payload: { name: 'ep' } });
    const op = (await app.inject({ method: 'POST', url: '/v1/projects/ds/endpoints/ep:deployModel', payload: { deployedModel: { model: 'ctr@1' }, trafficSplit: { '0': 100 } } })).json();
    const state = async () => (await app.inject({ url: '/v1/projects/ds/endpoints/ep' })).json().deployedModels[0];
    const sweep = () => app.rouge.use(servingModule).endpoints.failAbandonedDeploys(0);
    expect(await sweep()).toBe(0); // its job is still queued: it may yet run
    expect((await state()).state).toBe('DEPLOYING');
    // The one attempt a deploy gets was spent by a worker that died: the job is over, without a result.
    await app.rouge.store.db.updateTable('jobs').set({ state: 'dead', error: '{"message":"lease lost"}' }).where('id', '=', op.name.split('/').pop()).execute();
    expect(await sweep()).toBe(1);
    expect(await state()).toMatchObject({ state: 'FAILED', error: expect.stringContaining('the deploy did not finish') });
  });
});
