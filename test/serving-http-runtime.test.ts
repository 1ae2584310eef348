/**
 * The `http` runtime (custom model servers) against the example server in
 * examples/model-server/server.py, run as real processes: predictions flow,
 * load is spread, a dead upstream is skipped, a slow one times out, and a
 * deploy whose servers are all down fails without touching the traffic.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp } from './helpers/app.js';
import { multipart } from './helpers/multipart.js';
import { until } from './helpers/until.js';

const SERVER = fileURLToPath(new URL('../examples/model-server/server.py', import.meta.url));
const WEIGHTS = { weights: [0.8, -0.5, 0.25, 1.5], bias: -0.1 };
const expected = (x: number[]) => 1 / (1 + Math.exp(-(x.reduce((s, v, i) => s + v * WEIGHTS.weights[i]!, 0) + WEIGHTS.bias)));
const dir = mkdtempSync(join(tmpdir(), 'rouge-model-server-'));
const weightsFile = join(dir, 'weights.json');
writeFileSync(weightsFile, JSON.stringify(WEIGHTS));

interface ModelServer {
  url: string;
  proc: ChildProcess;
  stats(): Promise<{ requests: number; predictions: number; lastCaller: { endpoint?: string; deployedModelId?: string } }>;
  kill(): Promise<void>;
}

const running = new Set<ModelServer>();

/** Starts the example server on a free port (AIP_HTTP_PORT=0) and waits until its health route answers 200. */
async function startServer(env: Record<string, string> = {}): Promise<ModelServer> {
  const proc = spawn('python3', [SERVER], {
    env: { ...process.env, AIP_HTTP_PORT: '0', MODEL_SERVER_HOST: '127.0.0.1', MODEL_WEIGHTS: weightsFile, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    proc.once('exit', (code) => reject(new Error(`model server exited with ${code} before listening: ${stderr}`)));
    proc.once('error', reject);
  });
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const server: ModelServer = {
    url,
    proc,
    stats: async () => (await fetch(`${url}/stats`)).json() as never,
    kill: async () => {
      running.delete(server);
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await exited;
    },
  };
  running.add(server);
  const health = join('/', env.AIP_HEALTH_ROUTE ?? '/health');
  await until(`${url}${health}`, async () => ((await fetch(`${url}${health}`).catch(() => undefined))?.status === 200 ? true : undefined));
  return server;
}

/** A URL nothing listens on: a port the OS handed out and took back. */
async function deadUrl(): Promise<string> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise<void>((r) => s.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

describe('the http runtime with the example model server', () => {
  let app: FastifyInstance;
  let versions = 0;

  beforeEach(async () => {
    app = await buildTestApp('sqlite', {}, { workerPollMs: 10 });
    versions = 0;
    expect((await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: 'ds' } })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/v1/projects/ds/models', payload: { name: 'ctr' } })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/v1/projects/ds/endpoints', payload: { name: 'ctr-http' } })).statusCode).toBe(200);
  });
  afterEach(async () => {
    await app.close();
    for (const s of [...running]) await s.kill();
  });
  afterAll(async () => {
    for (const s of [...running]) await s.kill();
  });

  /** Registers a framework-http version with this spec; returns its version number. */
  async function register(spec: Record<string, unknown>): Promise<string> {
    const { payload, headers } = multipart([{ name: 'metadata', value: JSON.stringify({ framework: 'http', spec }) }]);
    const res = await app.inject({ method: 'POST', url: '/v1/projects/ds/models/ctr/versions', headers, payload });
    expect(res.statusCode, res.body).toBe(200);
    versions += 1;
    expect(res.json().versionId).toBe(String(versions));
    return res.json().versionId as string;
  }

  /** Deploys a version and waits for its Operation to end; returns the Operation. */
  async function deploy(version: string, trafficSplit: Record<string, number> = { '0': 100 }) {
    const res = await app.inject({ method: 'POST', url: '/v1/projects/ds/endpoints/ctr-http:deployModel', payload: { deployedModel: { model: `ctr@${version}` }, trafficSplit } });
    expect(res.statusCode, res.body).toBe(200);
    const name = res.json().name as string;
    return until(`${name} to finish`, async () => {
      const op = (await app.inject({ url: `/v1/${name}` })).json();
      return op.done ? op : undefined;
    });
  }

  async function deployOk(spec: Record<string, unknown>, trafficSplit?: Record<string, number>): Promise<string> {
    const op = await deploy(await register(spec), trafficSplit);
    expect(op.error, JSON.stringify(op.error)).toBeUndefined();
    return op.response.id as string;
  }

  const predict = (instances: unknown[], parameters?: unknown) =>
    app.inject({ method: 'POST', url: '/v1/projects/ds/endpoints/ctr-http:predict', payload: { instances, ...(parameters === undefined ? {} : { parameters }) } });

  it('forwards :predict to the model servers, spreads the load across both and answers in Vertex\'s shape', async () => {
    const [a, b] = await Promise.all([startServer(), startServer()]);
    const id = await deployOk({ upstreams: [a.url, b.url] });
    const xs = Array.from({ length: 20 }, (_, i) => [i / 10, 1 - i / 20, (i % 3) - 1, i % 2]);
    for (const [i, x] of xs.entries()) {
      // Lists, objects keyed by input name, and objects keyed "0".."3" (the Node client's form) all reach the server as sent.
      const instance = i % 3 === 0 ? x : i % 3 === 1 ? { X: x } : Object.fromEntries(x.map((v, k) => [String(k), v]));
      const res = await predict([instance], { confidence: 0.5 });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({ deployedModelId: id, model: 'projects/ds/models/ctr', modelVersionId: '1', modelDisplayName: 'ctr@1' });
      expect(body.predictions).toHaveLength(1);
      expect(body.predictions[0]).toBeCloseTo(expected(x), 9);
    }
    const [sa, sb] = await Promise.all([a.stats(), b.stats()]);
    expect(sa.requests + sb.requests).toBe(20);
    // Round-robin over two healthy upstreams: each gets half.
    expect(sa.requests).toBe(10);
    expect(sb.requests).toBe(10);
    expect(sa.lastCaller).toEqual({ endpoint: 'ds.ctr-http', deployedModelId: id });
  });

  it('retries a connection failure on the other upstream, and answers 502 UPSTREAM_UNAVAILABLE naming the upstream when both are down', async () => {
    const [a, b] = await Promise.all([startServer(), startServer()]);
    await deployOk({ upstreams: [a.url, b.url], timeoutMs: 2000 });
    expect((await predict([[1, 2, 3, 4]])).statusCode).toBe(200);
    await a.kill();
    const before = (await b.stats()).requests;
    for (let i = 0; i < 10; i++) {
      const res = await predict([[1, 2, 3, i]]);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().predictions[0]).toBeCloseTo(expected([1, 2, 3, i]), 9);
    }
    expect((await b.stats()).requests - before).toBe(10);

    await b.kill();
    const started = Date.now();
    const res = await predict([[1, 2, 3, 4]]);
    const elapsed = Date.now() - started;
    expect(res.statusCode).toBe(502);
    const error = res.json().error;
    expect(error.status).toBe('UNAVAILABLE');
    expect(error.details[0].reason).toBe('UPSTREAM_UNAVAILABLE');
    expect([a.url, b.url].some((u) => error.message.includes(u)), error.message).toBe(true);
    expect(error.message).toContain('ECONNREFUSED');
    expect(elapsed).toBeLessThan(2000);
  });

  it('answers 504 UPSTREAM_TIMEOUT when a server is slower than timeoutMs, and does not retry it elsewhere', async () => {
    const [slow, fast] = await Promise.all([startServer({ MODEL_SERVER_DELAY_MS: '5000' }), startServer()]);
    const timeoutMs = 300;
    await deployOk({ upstreams: [slow.url, fast.url], timeoutMs });
    const outcomes: number[] = [];
    for (let i = 0; i < 4; i++) {
      const started = Date.now();
      const res = await predict([[1, 2, 3, 4]]);
      const elapsed = Date.now() - started;
      outcomes.push(res.statusCode);
      if (res.statusCode === 504) {
        const error = res.json().error;
        expect(error.status).toBe('DEADLINE_EXCEEDED');
        expect(error.details[0].reason).toBe('UPSTREAM_TIMEOUT');
        expect(error.message).toContain(slow.url);
        expect(error.message).toContain(`${timeoutMs} ms`);
        expect(elapsed).toBeGreaterThanOrEqual(timeoutMs - 20);
        expect(elapsed).toBeLessThan(timeoutMs + 1500);
      } else {
        expect(res.statusCode, res.body).toBe(200);
      }
    }
    // Round-robin: every other request meets the slow server; a timeout is not retried on the fast one.
    expect(outcomes.filter((s) => s === 504)).toHaveLength(2);
    expect(outcomes.filter((s) => s === 200)).toHaveLength(2);
  });

  it('also honours a query string in predictRoute (the example server\'s ?sleep=)', async () => {
    const s = await startServer();
    await deployOk({ upstreams: [s.url], predictRoute: '/predict?sleep=3000', timeoutMs: 200 });
    const res = await predict([[1, 2, 3, 4]]);
    expect(res.statusCode).toBe(504);
    expect(res.json().error.details[0].reason).toBe('UPSTREAM_TIMEOUT');
  });

  it('forwards :rawPredict bodies and content types as they are, and answers with the server\'s raw answer and the Vertex headers', async () => {
    const [a, b] = await Promise.all([startServer(), startServer()]);
    const id = await deployOk({ upstreams: [a.url, b.url] });
    const rows = [[1, 2, 3, 4], [0, 0, 0, 0], [-1, 0.5, 2, 0.25]];
    const csv = `${rows.map((r) => r.join(',')).join('\n')}\n`;
    for (const url of ['/v1/projects/ds/endpoints/ctr-http:rawPredict', '/v1/projects/ds/locations/us-central1/endpoints/ctr-http:rawPredict']) {
      const res = await app.inject({ method: 'POST', url, headers: { 'content-type': 'text/csv' }, payload: csv });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv/);
      expect(res.headers['x-vertex-ai-endpoint-id']).toBe('ctr-http');
      expect(res.headers['x-vertex-ai-deployed-model-id']).toBe(id);
      const got = res.body.trim().split('\n').map(Number);
      got.forEach((p, i) => expect(p).toBeCloseTo(expected(rows[i]!), 9));
    }
    // JSON goes through untouched too: the server's own body, not Rouge's :predict envelope.
    const json = await app.inject({ method: 'POST', url: '/v1/projects/ds/endpoints/ctr-http:rawPredict', payload: { instances: [rows[0]] } });
    expect(json.statusCode).toBe(200);
    expect(Object.keys(json.json())).toEqual(['predictions']);
    // The server's errors come back as it sent them.
    const bad = await app.inject({ method: 'POST', url: '/v1/projects/ds/endpoints/ctr-http:rawPredict', payload: { instances: [[1, 2]] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({ error: 'instance 0 must be a list of 4 numbers' });
    // {"httpBody": {contentType, data}} (what Google's generated clients send) is unwrapped, and its answer wrapped the same way.
    const wrapped = await app.inject({
      method: 'POST', url: '/v1/projects/ds/locations/us-central1/endpoints/ctr-http:rawPredict?$alt=json;enum-encoding=int',
      payload: { httpBody: { contentType: 'text/csv', data: Buffer.from(csv).toString('base64') } },
    });
    expect(wrapped.statusCode, wrapped.body).toBe(200);
    expect(wrapped.headers['x-vertex-ai-deployed-model-id']).toBe(id);
    const answer = wrapped.json() as { contentType: string; data: string };
    expect(answer.contentType).toMatch(/^text\/csv/);
    const fromWrapped = Buffer.from(answer.data, 'base64').toString('utf8').trim().split('\n').map(Number);
    fromWrapped.forEach((p, i) => expect(p).toBeCloseTo(expected(rows[i]!), 9));
  });

  it('keeps the path of an upstream base URL (a server behind a gateway prefix)', async () => {
    const s = await startServer({ AIP_PREDICT_ROUTE: '/models/ctr/predict', AIP_HEALTH_ROUTE: '/models/ctr/health' });
    await deployOk({ upstreams: [`${s.url}/models/ctr/`] });
    const res = await predict([[1, 2, 3, 4]]);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().predictions[0]).toBeCloseTo(expected([1, 2, 3, 4]), 9);
  });

  it('passes a server\'s refusal of the instances on as 400 UPSTREAM_REJECTED with its message, and a wrong route as 502', async () => {
    const s = await startServer();
    const id = await deployOk({ upstreams: [s.url] });
    const res = await predict([[1, 2]]);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0].reason).toBe('UPSTREAM_REJECTED');
    expect(res.json().error.message).toContain('HTTP 400');
    expect(res.json().error.message).toContain('instance 0 must be a list of 4 numbers');
    // A predictRoute the server does not have is the deployment's fault, not the caller's.
    const wrong = await deployOk({ upstreams: [s.url], predictRoute: '/nope' }, { [id]: 0, '0': 100 });
    const misrouted = await predict([[1, 2, 3, 4]]);
    expect(misrouted.statusCode).toBe(502);
    expect(misrouted.json().error.details[0].reason).toBe('UPSTREAM_ERROR');
    expect(misrouted.json().error.message).toContain('HTTP 404');
    // Both count on /metrics under their reasons, and :rawPredict is counted too.
    await app.inject({ method: 'POST', url: '/v1/projects/ds/endpoints/ctr-http:rawPredict', payload: { instances: [[1, 2, 3, 4]] } });
    const metrics = (await app.inject({ url: '/metrics' })).body;
    expect(metrics).toContain(`rouge_predict_requests_total{endpoint="ds.ctr-http",deployed_model="${id}",protocol="vertex",code="UPSTREAM_REJECTED"} 1`);
    expect(metrics).toContain(`rouge_predict_requests_total{endpoint="ds.ctr-http",deployed_model="${wrong}",protocol="vertex",code="UPSTREAM_ERROR"} 1`);
    expect(metrics).toContain(`rouge_predict_requests_total{endpoint="ds.ctr-http",deployed_model="${wrong}",protocol="raw",code="UPSTREAM_ERROR"} 1`);
  });

  it('fails the deploy (DEPLOY_FAILED) when no upstream is healthy, leaving the traffic and the serving model alone', async () => {
    const s = await startServer();
    const v1 = await deployOk({ upstreams: [s.url] });
    const down = await deploy(await register({ upstreams: [await deadUrl(), await deadUrl()], timeoutMs: 1000 }));
    expect(down.error).toMatchObject({ code: 9 });
    expect(down.error.details[0].reason).toBe('DEPLOY_FAILED');
    expect(down.error.message).toContain('no upstream answered /health');
    expect(down.error.message.match(/could not be loaded/g)).toHaveLength(1);
    const endpoint = (await app.inject({ url: '/v1/projects/ds/endpoints/ctr-http' })).json();
    expect(endpoint.trafficSplit).toEqual({ [v1]: 100 });
    expect(endpoint.deployedModels.find((d: { modelVersionId: string }) => d.modelVersionId === '2')).toMatchObject({ state: 'FAILED' });
    const res = await predict([[1, 2, 3, 4]]);
    expect(res.statusCode).toBe(200);
    expect(res.json().deployedModelId).toBe(v1);
  });

  it('tells OIP callers that a custom server takes Vertex requests only', async () => {
    const s = await startServer();
    await deployOk({ upstreams: [s.url] });
    const meta = await app.inject({ url: '/v2/models/ds.ctr-http' });
    expect(meta.json()).toMatchObject({ name: 'ds.ctr-http', platform: 'custom' });
    const res = await app.inject({ method: 'POST', url: '/v2/models/ds.ctr-http/infer', payload: { inputs: [{ name: 'X', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toContain('custom HTTP model server');
  });
});
