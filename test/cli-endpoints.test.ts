import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatSplit, trafficPair } from '../src/cli/commands/endpoints.js';
import { predictBody } from '../src/cli/commands/predict.js';
import { buildLogisticRegression, logisticRegressionParameters } from './fixtures/onnx-builder.js';
import { ADMIN_KEY, buildTestApp } from './helpers/app.js';
import { multipart } from './helpers/multipart.js';
import { until } from './helpers/until.js';
import { runRouge } from './helpers/cli.js';

// Each run starts Node and tsx afresh; on a busy CI machine that is seconds, not milliseconds.
const SLOW = 180_000;

/** The real `rouge` (TypeScript source through tsx) with only the environment given. */
const rouge = runRouge;

const FEATURES = 4;
const P7 = logisticRegressionParameters({ features: FEATURES, seed: 7 });
const expected = (x: number[]) => 1 / (1 + Math.exp(-(x.reduce((s, v, i) => s + v * P7.weights[i]!, 0) + P7.bias)));

let app: FastifyInstance;
let env: Record<string, string>;
let dir: string;

async function upload(model: string, data: Uint8Array, metadata: object = { framework: 'onnx' }): Promise<void> {
  await app.inject({ method: 'POST', url: '/v1/projects/ml/models', payload: { name: model } });
  const parts = [{ name: 'metadata', value: JSON.stringify(metadata) }, ...(data.length ? [{ name: 'artifact', filename: 'm.onnx', data: Buffer.from(data) }] : [])];
  const { payload, headers } = multipart(parts);
  const res = await app.inject({ method: 'POST', url: `/v1/projects/ml/models/${model}/versions`, headers, payload });
  expect(res.statusCode, res.body).toBe(200);
}

beforeAll(async () => {
  app = await buildTestApp('sqlite', {}, { workerPollMs: 10 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  env = { ROUGE_URL: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`, ROUGE_API_KEY: ADMIN_KEY, ROUGE_PROJECT: 'ml' };
  await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: 'ml' } });
  dir = mkdtempSync(join(tmpdir(), 'rouge-cli-endpoints-'));
  const onnx = buildLogisticRegression({ features: FEATURES, seed: 7 });
  await upload('ctr', onnx);
  await upload('ctr', onnx);
  await app.inject({ method: 'POST', url: '/v1/projects/ml/models/ctr/versions/1:mergeVersionAliases', payload: { versionAliases: ['champion'] } });
  // A custom model server nobody runs: its health check fails at deploy.
  await upload('down', new Uint8Array(), { framework: 'http', spec: { upstreams: ['http://127.0.0.1:9'], timeoutMs: 500 } });
});

afterAll(async () => {
  await app.close();
});

const api = async (path: string) => (await app.inject({ method: 'GET', url: path })).json();
const rouge$ = (...args: string[]) => rouge(args, env);

describe('rouge endpoints and rouge predict', () => {
  it('creates an endpoint, deploys with progress, predicts, runs a canary, splits back and undeploys', async () => {
    const created = await rouge$('endpoints', 'create', 'ctr-prod', '--label', 'team=recs', '--request-logging', '0.5');
    expect(created.code, created.err).toBe(0);
    expect(created.out).toContain('Created endpoint ctr-prod. Next: rouge endpoints deploy ctr-prod --model <model>@<version> --traffic 0=100.');
    expect(created.out).toMatch(/^requestLogging:\s+sampling rate 0\.5$/m);
    expect(await api('/v1/projects/ml/endpoints/ctr-prod')).toMatchObject({ labels: { team: 'recs' }, requestLogging: { samplingRate: 0.5 }, trafficSplit: {} });

    // Deploy waits on the Operation, showing its state on stderr (a pipe here: a line per change).
    const first = await rouge$('endpoints', 'deploy', 'ctr-prod', '--model', 'ctr@champion', '--traffic', '0=100');
    expect(first.code, first.err).toBe(0);
    expect(first.err).toMatch(/^[0-9A-Z]{26} serving\.deploy: SUCCEEDED/m);
    expect(first.err).not.toContain('\r');
    const endpoint1 = await api('/v1/projects/ml/endpoints/ctr-prod');
    const old = endpoint1.deployedModels[0].id as string;
    expect(endpoint1.deployedModels[0]).toMatchObject({ modelVersionId: '1', state: 'READY' });
    expect(endpoint1.trafficSplit).toEqual({ [old]: 100 });
    expect(first.out).toBe(`Deployed ctr@1 on ctr-prod as deployed model ${old}.\ntraffic: ${old}=100\n`);

    // Predict: one prediction per line on stdout, who answered on stderr.
    const rows = [[0.1, 0.2, 0.3, 0.4], [1, -1, 0.5, 2]];
    const predicted = await rouge$('predict', 'ctr-prod', '--instances', JSON.stringify(rows));
    expect(predicted.code, predicted.err).toBe(0);
    const lines = predicted.out.trim().split('\n').map((l) => JSON.parse(l) as number);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBeCloseTo(expected(rows[0]!), 5);
    expect(lines[1]).toBeCloseTo(expected(rows[1]!), 5);
    expect(predicted.err).toBe(`2 predictions from deployed model ${old} (ctr@1) on ctr-prod\n`);

    // A canary with batching: the new version takes 10%.
    const canary = await rouge$('endpoints', 'deploy', 'ctr-prod', '--model', 'ctr@2', '--traffic', '0=10', '--traffic', `${old}=90`, '--max-batch-size', '8', '--max-latency-ms', '2');
    expect(canary.code, canary.err).toBe(0);
    const endpoint2 = await api('/v1/projects/ml/endpoints/ctr-prod');
    const fresh = endpoint2.deployedModels.find((d: { id: string }) => d.id !== old);
    expect(fresh).toMatchObject({ modelVersionId: '2', state: 'READY', batching: { maxBatchSize: 8, maxLatencyMs: 2 } });
    expect(endpoint2.trafficSplit).toEqual({ [old]: 90, [fresh.id]: 10 });
    expect(canary.out).toBe(`Deployed ctr@2 on ctr-prod as deployed model ${fresh.id}.\ntraffic: ${old}=90 ${fresh.id}=10\n`);

    const [get, list, listJson] = await Promise.all([rouge$('endpoints', 'get', 'ctr-prod'), rouge$('endpoints', 'list'), rouge$('endpoints', 'list', '--json')]);
    expect(get.code).toBe(0);
    expect(get.out).toMatch(new RegExp(`^traffic:\\s+${old}=90 ${fresh.id}=10$`, 'm'));
    expect(get.out).toMatch(/^DEPLOYED MODEL\s+VERSION\s+DISPLAY NAME\s+STATE\s+TRAFFIC\s+BATCHING\s+CREATED \/ ERROR$/m);
    expect(get.out).toMatch(new RegExp(`^${old}\\s+ctr@1\\s+ctr@1\\s+READY\\s+90%\\s+-\\s+`, 'm'));
    expect(get.out).toMatch(new RegExp(`^${fresh.id}\\s+ctr@2\\s+ctr@2\\s+READY\\s+10%\\s+max 8 rows / 2 ms\\s+`, 'm'));
    expect(list.out).toMatch(/^ENDPOINT\s+DISPLAY NAME\s+DEPLOYED\s+TRAFFIC\s+CREATED$/m);
    expect(list.out).toMatch(new RegExp(`^ctr-prod\\s+ctr-prod\\s+ctr@1, ctr@2\\s+${old}=90 ${fresh.id}=10\\s+`, 'm'));
    expect(JSON.parse(listJson.out)).toEqual(await api('/v1/projects/ml/endpoints?pageSize=100'));

    // Sticky routing: one key, one side of the split, every time.
    const sticky = await Promise.all(Array.from({ length: 4 }, () => rouge$('predict', 'ctr-prod', '--instances', '[[1, 2, 3, 4]]', '--routing-key', 'user-42', '--json')));
    expect(new Set(sticky.map((r) => JSON.parse(r.out).deployedModelId as string)).size).toBe(1);

    // Roll back, then take the canary off.
    const back = await rouge$('endpoints', 'split', 'ctr-prod', '--traffic', `${old}=100`);
    expect(back.code, back.err).toBe(0);
    expect(back.out).toBe(`ctr-prod traffic: ${old}=100\n`);
    const off = await rouge$('endpoints', 'undeploy', 'ctr-prod', fresh.id);
    expect(off.code, off.err).toBe(0);
    expect(off.out).toBe(`Undeployed ${fresh.id} from ctr-prod.\ntraffic: ${old}=100\n`);
    expect((await api('/v1/projects/ml/endpoints/ctr-prod')).deployedModels.map((d: { id: string }) => d.id)).toEqual([old]);

    // Deleting needs the endpoint empty.
    const busy = await rouge$('endpoints', 'delete', 'ctr-prod');
    expect(busy.code).toBe(1);
    expect(busy.err).toContain('(ENDPOINT_NOT_EMPTY)');
    expect((await rouge$('endpoints', 'undeploy', 'ctr-prod', old)).code).toBe(0);
    const deleted = await rouge$('endpoints', 'delete', 'ctr-prod');
    expect(deleted.code, deleted.err).toBe(0);
    expect(deleted.out).toBe('Deleted endpoint ctr-prod.\n');
    expect((await app.inject({ url: '/v1/projects/ml/endpoints/ctr-prod' })).statusCode).toBe(404);
  }, SLOW);

  it('exits 1 with the reason when the model cannot load, leaving the traffic alone; --no-wait returns the Operation', async () => {
    await app.inject({ method: 'POST', url: '/v1/projects/ml/endpoints', payload: { name: 'fails' } });
    const good = await rouge$('endpoints', 'deploy', 'fails', '--model', 'ctr', '--traffic', '0=100', '--json');
    expect(good.code, good.err).toBe(0);
    const op = JSON.parse(good.out);
    expect(op).toMatchObject({ done: true, metadata: { kind: 'serving.deploy', state: 'SUCCEEDED' }, response: { modelVersionId: '1', state: 'READY' } });
    const id = op.response.id as string;

    const broken = await rouge$('endpoints', 'deploy', 'fails', '--model', 'down', '--traffic', '0=100');
    expect(broken.code).toBe(1);
    expect(broken.err).toMatch(/serving\.deploy: DEAD/);
    expect(broken.err).toContain('rouge: the deploy of down on fails failed: The model could not be loaded for serving: no upstream answered /health');
    expect(broken.err).toContain('(DEPLOY_FAILED)');
    expect(broken.out).toBe('');
    expect((await api('/v1/projects/ml/endpoints/fails')).trafficSplit).toEqual({ [id]: 100 });

    const started = await rouge$('endpoints', 'deploy', 'fails', '--model', 'ctr@2', '--no-wait', '--json');
    expect(started.code, started.err).toBe(0);
    const pending = JSON.parse(started.out);
    expect(pending.name).toMatch(/^projects\/ml\/operations\/[0-9A-Z]{26}$/);
    expect(pending.metadata.kind).toBe('serving.deploy');
    const waited = await rouge$('operations', 'wait', pending.name, '--timeout', '60s');
    expect(waited.code, waited.err).toBe(0);
    const human = await rouge$('endpoints', 'deploy', 'fails', '--model', 'ctr@2', '--no-wait');
    const opId = /^Deploying ctr@2 on fails: operation ([0-9A-Z]{26})\. Follow it with rouge operations wait \1\.$/m.exec(human.out)?.[1];
    expect(opId, human.out).toBeDefined();
    await until('the second deploy to end', async () => ((await api(`/v1/projects/ml/operations/${opId}`)).done ? true : undefined));
    // The split was not given: unchanged by either deploy.
    expect((await api('/v1/projects/ml/endpoints/fails')).trafficSplit).toEqual({ [id]: 100 });
  }, SLOW);

  it('predicts from a file holding instances or a whole Vertex request, and exits 1 with the API reason for bad input', async () => {
    await app.inject({ method: 'POST', url: '/v1/projects/ml/endpoints', payload: { name: 'files' } });
    const empty = await rouge$('predict', 'files', '--instances', '[[1, 2, 3, 4]]');
    expect(empty.code).toBe(1);
    expect(empty.err).toContain('(NO_TRAFFIC)');
    expect((await rouge$('endpoints', 'deploy', 'files', '--model', 'ctr@1', '--traffic', '0=100')).code).toBe(0);

    const rows = join(dir, 'rows.json');
    writeFileSync(rows, JSON.stringify([[0.1, 0.2, 0.3, 0.4]]));
    const request = join(dir, 'request.json');
    writeFileSync(request, JSON.stringify({ instances: [{ X: [0.1, 0.2, 0.3, 0.4] }, [1, -1, 0.5, 2]], parameters: {} }));
    const [fromRows, fromRequest, wrongShape] = await Promise.all([
      rouge$('predict', 'files', '--instances', `@${rows}`),
      rouge$('predict', 'files', '--instances', `@${request}`, '--json'),
      rouge$('predict', 'files', '--instances', '[[1, 2, 3]]'),
    ]);
    expect(fromRows.code, fromRows.err).toBe(0);
    expect(Number(fromRows.out.trim())).toBeCloseTo(expected([0.1, 0.2, 0.3, 0.4]), 5);
    expect(fromRequest.code, fromRequest.err).toBe(0);
    const body = JSON.parse(fromRequest.out);
    expect(body).toMatchObject({ model: 'projects/ml/models/ctr', modelVersionId: '1', modelDisplayName: 'ctr@1' });
    expect(body.predictions[0]).toBeCloseTo(expected([0.1, 0.2, 0.3, 0.4]), 5);
    expect(body.predictions[1]).toBeCloseTo(expected([1, -1, 0.5, 2]), 5);
    expect(wrongShape.code).toBe(1);
    expect(wrongShape.err).toContain('The model expects inputs X FP32 [-1,4]');
    expect(wrongShape.err).toContain('(INPUT_INVALID)');

    const [badSplit, unknown, missing] = await Promise.all([
      rouge$('endpoints', 'split', 'files', '--traffic', '1234567=100'),
      rouge$('endpoints', 'undeploy', 'files', '1234567'),
      rouge$('endpoints', 'get', 'nowhere'),
    ]);
    expect(badSplit.code).toBe(1);
    expect(badSplit.err).toContain('(TRAFFIC_SPLIT_INVALID)');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('(DEPLOYED_MODEL_NOT_FOUND)');
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('(ENDPOINT_NOT_FOUND)');
  }, SLOW);

  it('refuses bad names, traffic, batching and instances with exit 2, before sending anything', async () => {
    const runs = await Promise.all([
      rouge$('endpoints', 'create', 'Not An Endpoint'),
      rouge$('endpoints', 'deploy', 'never', '--model', 'ctr@1', '--traffic', '0=abc'),
      rouge$('endpoints', 'deploy', 'never', '--model', 'ctr@1', '--traffic', '0=101'),
      rouge$('endpoints', 'deploy', 'never', '--model', 'ctr@1', '--max-batch-size', '8'),
      rouge$('endpoints', 'deploy', 'never', '--model', 'Not A Model'),
      rouge$('endpoints', 'split', 'never', '--traffic', '0=100'),
      rouge$('endpoints', 'undeploy', 'never', 'abc'),
      rouge$('predict', 'never', '--instances', '[]'),
      rouge$('predict', 'never', '--instances', 'not json'),
      rouge$('predict', 'never', '--instances', `@${join(dir, 'missing.json')}`),
      rouge$('endpoints', 'create', 'never', '--request-logging', '2'),
    ]);
    for (const r of runs) expect(r.code, r.err).toBe(2);
    const [name, notNumber, over, batching, model, zero, id, none, notJson, noFile, rate] = runs.map((r) => r.err);
    expect(name).toContain('"Not An Endpoint" is not an endpoint name');
    expect(notNumber).toContain("option '--traffic <id=percent>' argument '0=abc' is invalid");
    expect(over).toContain("argument '0=101' is invalid");
    expect(batching).toContain('batching needs both --max-batch-size and --max-latency-ms');
    expect(model).toContain('cannot read model reference "Not A Model"');
    expect(zero).toContain('0 means "the model being deployed"');
    expect(id).toContain('"abc" is not a deployed model id');
    expect(none).toContain('--instances holds no instances');
    expect(notJson).toContain('--instances is not JSON');
    expect(noFile).toContain('ENOENT');
    expect(rate).toContain("option '--request-logging <rate>' argument '2' is invalid");
    expect((await app.inject({ url: '/v1/projects/ml/endpoints/never' })).statusCode).toBe(404);
  }, SLOW);
});

describe('endpoint CLI parsing', () => {
  it('reads --traffic pairs and prints splits largest first', () => {
    expect(trafficPair('0=10', trafficPair('4821095730=90', undefined))).toEqual({ '0': 10, '4821095730': 90 });
    expect(trafficPair('7=100%', undefined)).toEqual({ '7': 100 });
    for (const bad of ['0', '=5', 'a=5', '0=-1', '0=1.5', '0=101']) expect(() => trafficPair(bad, undefined), bad).toThrow(/deployed model id/);
    expect(formatSplit({ '1': 10, '2': 90 })).toBe('2=90 1=10');
    expect(formatSplit({})).toBe('(none)');
  });

  it('takes instances as a list or inside a Vertex request, with --parameters winning', () => {
    expect(predictBody('[[1, 2]]')).toEqual({ instances: [[1, 2]] });
    expect(predictBody('{"instances": [{"X": [1]}], "parameters": {"k": 1}}')).toEqual({ instances: [{ X: [1] }], parameters: { k: 1 } });
    expect(predictBody('{"instances": [[1]], "parameters": {"k": 1}}', '{"k": 2}')).toEqual({ instances: [[1]], parameters: { k: 2 } });
    expect(() => predictBody('{"rows": [[1]]}')).toThrow(/must be a list of instances \(a JSON array\), not an object/);
    expect(() => predictBody('{"X": [1, 2]}')).toThrow(/for one instance write \[\{"X":\[1,2\]\}\]/);
    expect(() => predictBody('[]')).toThrow(/holds no instances: the list is empty/);
  });
});
