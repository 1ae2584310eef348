/**
 * The official Vertex AI Node.js client against Rouge, over real HTTP.
 *
 * `@google-cloud/aiplatform` 6's PredictionServiceClient in REST ("fallback")
 * mode, pointed at Rouge with `apiEndpoint`, `port` and `protocol: 'http'`,
 * authenticated with a Rouge key as its OAuth access token. The client is a
 * dev dependency: if it cannot load, this file fails at import (it never skips).
 */
import type { AddressInfo } from 'node:net';
import { EndpointServiceClient, ModelServiceClient, PredictionServiceClient, helpers } from '@google-cloud/aiplatform';
import type { FastifyInstance } from 'fastify';
import { OAuth2Client } from 'google-auth-library';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLogisticRegression, logisticRegressionParameters } from './fixtures/onnx-builder.js';
import { ADMIN_KEY, buildTestApp } from './helpers/app.js';
import { multipart } from './helpers/multipart.js';
import { until } from './helpers/until.js';

const FEATURES = 4;
const P = logisticRegressionParameters({ features: FEATURES, seed: 7 });
const expected = (x: number[]) => 1 / (1 + Math.exp(-(x.reduce((s, v, i) => s + v * P.weights[i]!, 0) + P.bias)));
const ENDPOINT = 'projects/ds/locations/us-central1/endpoints/ctr-prod';

/**
 * A Rouge key as the OAuth access token, the stock way: google-auth-library's
 * OAuth2Client with the key as its access_token. It sends
 * `Authorization: Bearer <key>`, but its gaxios transport throws on any
 * non-2xx answer before google-gax can decode it, so errors surface as a
 * GaxiosError with the HTTP status as `code` (gax 5 with gaxios 7; see
 * googleapis/gax-nodejs#1803).
 */
function oauthClient(key: string): OAuth2Client {
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: key, token_type: 'Bearer', expiry_date: Date.now() + 3600_000 });
  return auth;
}

/**
 * The smallest auth object google-gax 5's fallback mode accepts (it checks for
 * `getRequestHeaders`, then calls `fetch(url, init)`): the key as a bearer
 * token over the platform's fetch, which hands every answer back, so gax
 * decodes Rouge's Google error model itself into a GoogleError with the
 * canonical code, message and ErrorInfo reason.
 */
function bearerAuth(key: string) {
  return {
    getRequestHeaders: async () => new Headers({ authorization: `Bearer ${key}` }),
    fetch: (url: string, init: RequestInit) => {
      const headers = new Headers(init.headers);
      headers.set('authorization', `Bearer ${key}`);
      return fetch(url, { method: init.method, headers, body: init.body, signal: init.signal });
    },
  };
}

/** A protobuf Value in the decoded response: a number, or something else we fail on. */
function numberOf(v: unknown): number {
  const n = (v as { numberValue?: number } | null)?.numberValue;
  if (typeof n !== 'number') throw new Error(`prediction ${JSON.stringify(v)} is not a numberValue`);
  return n;
}

describe('the official Vertex AI Node.js client (@google-cloud/aiplatform 6, REST fallback)', () => {
  let app: FastifyInstance;
  let port: number;
  let deployedModelId: string;
  const clients: Array<{ close(): Promise<void> }> = [];
  const clientWith = (key: string, auth: 'oauth2' | 'fetch' = 'fetch') => {
    const authClient = auth === 'oauth2' ? oauthClient(key) : (bearerAuth(key) as unknown as OAuth2Client);
    const client = new PredictionServiceClient({ fallback: true, protocol: 'http', apiEndpoint: '127.0.0.1', port, authClient });
    clients.push(client);
    return client;
  };
  const options = (key: string) => ({ fallback: true as const, protocol: 'http', apiEndpoint: '127.0.0.1', port, authClient: bearerAuth(key) as unknown as OAuth2Client });
  const endpointClient = (key = ADMIN_KEY) => {
    const c = new EndpointServiceClient(options(key));
    clients.push(c);
    return c;
  };
  const modelClient = (key = ADMIN_KEY) => {
    const c = new ModelServiceClient(options(key));
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    app = await buildTestApp('sqlite', {}, { workerPollMs: 10 });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as AddressInfo).port;
    expect((await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: 'ds' } })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/v1/projects/ds/models', payload: { name: 'ctr' } })).statusCode).toBe(200);
    const { payload, headers } = multipart([
      { name: 'metadata', value: '{"framework":"onnx"}' },
      { name: 'artifact', filename: 'ctr.onnx', data: Buffer.from(buildLogisticRegression({ features: FEATURES, seed: 7 })) },
    ]);
    expect((await app.inject({ method: 'POST', url: '/v1/projects/ds/models/ctr/versions', headers, payload })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/v1/projects/ds/endpoints', payload: { name: 'ctr-prod' } })).statusCode).toBe(200);
    const res = await app.inject({ method: 'POST', url: '/v1/projects/ds/endpoints/ctr-prod:deployModel', payload: { deployedModel: { model: 'ctr@1' }, trafficSplit: { '0': 100 } } });
    expect(res.statusCode, res.body).toBe(200);
    const name = res.json().name as string;
    const op = await until(`${name} to finish`, async () => {
      const o = (await app.inject({ url: `/v1/${name}` })).json();
      return o.done ? o : undefined;
    });
    expect(op.error).toBeUndefined();
    deployedModelId = op.response.id;
    // A second version becomes the default; the deployed first one carries `champion`.
    const second = multipart([
      { name: 'metadata', value: '{"framework":"onnx","aliases":["default"]}' },
      { name: 'artifact', filename: 'ctr.onnx', data: Buffer.from(buildLogisticRegression({ features: FEATURES, seed: 8 })) },
    ]);
    expect((await app.inject({ method: 'POST', url: '/v1/projects/ds/models/ctr/versions', headers: second.headers, payload: second.payload })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/v1/projects/ds/models/ctr/versions/1:mergeVersionAliases', payload: { versionAliases: ['champion'] } })).statusCode).toBe(200);
  });

  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    await app?.close();
  });

  type GaxError = { code?: number | string; status?: number | string; message?: string; reason?: string; domain?: string };
  const failure = (p: Promise<unknown>) => p.then(
    () => { throw new Error('the call should have failed'); },
    (e: unknown) => e as GaxError,
  );

  it('EndpointServiceClient.getEndpoint and listEndpoints read the endpoint in Vertex form, with its deployed model and split', async () => {
    const client = endpointClient();
    const [endpoint] = await client.getEndpoint({ name: ENDPOINT });
    expect(endpoint.name).toBe(ENDPOINT);
    expect(endpoint.displayName).toBe('ctr-prod');
    expect(endpoint.deployedModels).toHaveLength(1);
    expect(endpoint.deployedModels![0]).toMatchObject({ id: deployedModelId, model: 'projects/ds/locations/us-central1/models/ctr', modelVersionId: '1' });
    expect(endpoint.trafficSplit).toEqual({ [deployedModelId]: 100 });
    expect(endpoint.createTime?.seconds).toBeDefined();
    const [list] = await client.listEndpoints({ parent: 'projects/ds/locations/europe-west4' });
    expect(list.map((e) => e.name)).toEqual(['projects/ds/locations/europe-west4/endpoints/ctr-prod']);
    const missing = await failure(client.getEndpoint({ name: 'projects/ds/locations/us-central1/endpoints/nope' }));
    expect(missing.code).toBe(5);
    expect(missing.reason).toBe('ENDPOINT_NOT_FOUND');
  });

  it('ModelServiceClient.getModel (default, @version, @alias), listModels and listModelVersions', async () => {
    const client = modelClient();
    const [model] = await client.getModel({ name: 'projects/ds/locations/us-central1/models/ctr' });
    expect(model).toMatchObject({ name: 'projects/ds/locations/us-central1/models/ctr', versionId: '2', displayName: 'ctr' });
    expect(model.versionAliases).toEqual(['default']);
    const [first] = await client.getModel({ name: 'projects/ds/locations/us-central1/models/ctr@1' });
    expect(first.versionId).toBe('1');
    expect(first.versionAliases).toContain('champion');
    expect(first.artifactUri).toBeTruthy();
    const [byAlias] = await client.getModel({ name: 'projects/ds/locations/us-central1/models/ctr@champion' });
    expect(byAlias.versionId).toBe('1');
    const [models] = await client.listModels({ parent: 'projects/ds/locations/us-central1' });
    expect(models.map((m) => [m.name, m.versionId])).toEqual([['projects/ds/locations/us-central1/models/ctr', '2']]);
    const [versions] = await client.listModelVersions({ name: 'projects/ds/locations/us-central1/models/ctr' });
    expect(versions.map((m) => m.versionId)).toEqual(['1', '2']);
    const missing = await failure(client.getModel({ name: 'projects/ds/locations/us-central1/models/nope' }));
    expect(missing.code).toBe(5);
    expect(missing.reason).toBe('MODEL_NOT_FOUND');
    const noVersion = await failure(client.getModel({ name: 'projects/ds/locations/us-central1/models/ctr@9' }));
    expect(noVersion.reason).toBe('MODEL_VERSION_NOT_FOUND');
  });

  it('a bad key gets UNAUTHENTICATED from the Vertex-form reads, never the data', async () => {
    const err = await failure(endpointClient(`rk_notakey000_${'x'.repeat(40)}`).listEndpoints({ parent: 'projects/ds/locations/us-central1' }));
    expect(err.code).toBe(16);
  });

  it.each(['fetch', 'oauth2'] as const)('gets correct predictions, instances built with helpers.toValue (%s auth)', async (auth) => {
    const client = clientWith(ADMIN_KEY, auth);
    const xs = [[0.1, 0.2, 0.3, 0.4], [1, -1, 0.5, 2], [-3, 0, 0, 7.5]];
    const [response] = await client.predict({ endpoint: ENDPOINT, instances: xs.map((x) => helpers.toValue(x)!) });
    expect(response.deployedModelId).toBe(deployedModelId);
    expect(response.model).toBe('projects/ds/models/ctr');
    expect(response.modelVersionId).toBe('1');
    expect(response.modelDisplayName).toBe('ctr@1');
    expect(response.predictions).toHaveLength(xs.length);
    response.predictions!.forEach((p, i) => expect(numberOf(p)).toBeCloseTo(expected(xs[i]!), 5));
  });

  it('gets the same numbers for a hand-built listValue instance and an object keyed by the input name, with parameters', async () => {
    const client = clientWith(ADMIN_KEY);
    const x = [0.5, -0.25, 2, 1];
    const list = { listValue: { values: x.map((numberValue) => ({ numberValue })) } };
    const byName = helpers.toValue({ X: x })!;
    const [response] = await client.predict({ endpoint: ENDPOINT, instances: [list, byName], parameters: helpers.toValue({ threshold: 0.5 }) });
    const [a, b] = response.predictions!.map(numberOf);
    expect(a).toBeCloseTo(expected(x), 5);
    expect(b).toBeCloseTo(expected(x), 5);
  });

  it(':rawPredict through the client: an HttpBody in, an HttpBody out', async () => {
    const client = clientWith(ADMIN_KEY);
    const x = [0.3, 0.1, -0.2, 0.9];
    const [response] = await client.rawPredict({ endpoint: ENDPOINT, httpBody: { contentType: 'application/json', data: Buffer.from(JSON.stringify({ instances: [x] })) } });
    expect(response.contentType).toBe('application/json');
    const answer = JSON.parse(Buffer.from(response.data as Uint8Array).toString('utf8')) as { predictions: number[]; deployedModelId: string };
    expect(answer.deployedModelId).toBe(deployedModelId);
    expect(answer.predictions[0]).toBeCloseTo(expected(x), 5);
  });

  it('surfaces a wrong instance length as a GoogleError: code 3 (INVALID_ARGUMENT), Rouge\'s message, reason INPUT_INVALID', async () => {
    const err = await failure(clientWith(ADMIN_KEY).predict({ endpoint: ENDPOINT, instances: [helpers.toValue([1, 2, 3])!] }));
    expect(err.code).toBe(3);
    expect(err.message).toContain('The model expects inputs X FP32 [-1,4]');
    expect(err.reason).toBe('INPUT_INVALID');
    expect(err.domain).toBe('rouge');
  });

  it('maps an unknown endpoint to code 5 (NOT_FOUND) and a bad key to code 16 (UNAUTHENTICATED)', async () => {
    const missing = await failure(clientWith(ADMIN_KEY).predict({ endpoint: 'projects/ds/locations/europe-west4/endpoints/nope', instances: [helpers.toValue([1, 2, 3, 4])!] }));
    expect(missing.code).toBe(5);
    expect(missing.reason).toBe('ENDPOINT_NOT_FOUND');
    const badKey = await failure(clientWith(`rk_notakey000_${'x'.repeat(40)}`).predict({ endpoint: ENDPOINT, instances: [helpers.toValue([1, 2, 3, 4])!] }));
    expect(badKey.code).toBe(16);
  });

  it('with a stock OAuth2Client, the same error arrives as a GaxiosError carrying Rouge\'s Google error body', async () => {
    const err = await failure(clientWith(ADMIN_KEY, 'oauth2').predict({ endpoint: ENDPOINT, instances: [helpers.toValue([1, 2, 3])!] }));
    // gaxios puts the HTTP status in `code`; the body, in Google's error model, is the message.
    expect(err.code).toBe(400);
    const body = JSON.parse(err.message!) as { error: { code: number; status: string; message: string; details: Array<{ reason?: string }> } };
    expect(body.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
    expect(body.error.message).toContain('The model expects inputs X FP32 [-1,4]');
    expect(body.error.details[0]!.reason).toBe('INPUT_INVALID');
  });
});
