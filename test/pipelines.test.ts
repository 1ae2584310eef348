/**
 * Pipelines end to end on both stores: definitions checked whole (each bad
 * file refused with its place named, nothing saved), runs through gates,
 * approvals, retries, trigger rules, cancel and retry-from-failed, the
 * events of each run state, and the seed's chain: train the recommender,
 * evaluate it against the champion, move the alias only if it is better.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reasonOf } from './catalog-helpers.js';
import { buildTestApp } from './helpers/app.js';
import { STORE_KINDS } from './helpers/stores.js';
import { until } from './helpers/until.js';
import { PROJECT, stockShop } from './recommendations-fixture.js';

type Run = { name: string; runId: string; state: string; steps: Array<{ name: string; state: string; attempt: number; outputs?: Record<string, any>; error?: string }>; error?: string };

const CHAIN = `
name: retrain-recs
description: train, evaluate against the champion, promote only if better
parameters:
  minGain: { type: number, default: 0 }
steps:
  - name: train
    kind: train-recs
    with: { model: recs, holdOutLast: true }
  - name: evaluate-new
    kind: evaluate
    needs: [train]
    with: { model: "recs@\${{ steps.train.outputs.versionId }}" }
  - name: evaluate-champion
    kind: evaluate
    needs: [train]
    with: { model: recs@champion, ifMissing: empty }
  - name: better
    kind: gate
    needs: [evaluate-new, evaluate-champion]
    with: { metric: "\${{ steps.evaluate-new.outputs.metrics.NDCG@10 }}", op: ">", threshold: "\${{ steps.evaluate-champion.outputs.metrics.NDCG@10 }}" }
  - name: promote
    kind: set-alias
    needs: [better]
    with: { model: recs, version: "\${{ steps.train.outputs.versionId }}", alias: champion }
`;

describe.each(STORE_KINDS)('pipelines on %s', (storeKind) => {
  let app: FastifyInstance;
  const P = PROJECT;
  const put = (name: string, source: string) => app.inject({ method: 'PUT', url: `/v1/projects/${P}/pipelines/${name}`, payload: { source } });
  const start = async (name: string, body?: object) => {
    const res = await app.inject({ method: 'POST', url: `/v1/projects/${P}/pipelines/${name}:run`, ...(body ? { payload: body } : {}) });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as Run;
  };
  const get = async (id: string) => (await app.inject({ url: `/v1/projects/${P}/pipelineRuns/${id}` })).json() as Run;
  const settle = (id: string, pred: (r: Run) => boolean = (r) => ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(r.state), ms = 60_000) =>
    until(`run ${id}`, async () => {
      const r = await get(id);
      return pred(r) ? r : undefined;
    }, ms);
  const states = (r: Run) => Object.fromEntries(r.steps.map((s) => [s.name, s.state]));

  beforeAll(async () => {
    app = await buildTestApp(storeKind, { fetchAllowCidrs: ['127.0.0.2/32'] }, { workerPollMs: 10 });
    // As `rouge serve` does: the worker's reconcile of unfinished runs starts here.
    await app.rouge.start();
    await stockShop(app);
    expect((await app.inject({ method: 'POST', url: `/v1/projects/${P}/models`, payload: { name: 'ctr' } })).statusCode).toBe(200);
    for (let i = 0; i < 2; i++) {
      const { multipart } = await import('./helpers/multipart.js');
      const m = multipart([{ name: 'metadata', value: JSON.stringify({ framework: 'http', spec: { upstreams: ['http://10.0.0.5:8080'] } }) }]);
      expect((await app.inject({ method: 'POST', url: `/v1/projects/${P}/models/ctr/versions`, ...m })).statusCode).toBe(200);
    }
  }, 120_000);
  afterAll(() => app?.close());

  it('refuses a bad pipeline with the place in the file named, and saves nothing', async () => {
    const bad: Array<[string, RegExp]> = [
      ['name: p\nsteps:\n  - { name: a, kind: gate, needs: [b], with: { metric: 1, threshold: 0 } }\n  - { name: b, kind: gate, needs: [a], with: { metric: 1, threshold: 0 } }\n', /cycle: (a -> b -> a|b -> a -> b)/],
      ['name: p\nsteps:\n  - name: a\n    kind: gate\n    needs: [trian]\n    with: { metric: 1, threshold: 0 }\n', /steps\[0\]\.needs\[0\] \(line 5\).*trian.*not a step/],
      ['name: p\nsteps:\n  - name: a\n    kind: teleport\n', /steps\[0\]\.kind \(line 4\).*no step kind teleport.*known: .*gate/],
      ['name: p\nparameters:\n  n: { type: integer, default: "ten" }\nsteps:\n  - { name: a, kind: approval }\n', /parameters\.n\.default \(line 3\).*not a integer/],
      ['name: p\nsteps:\n  - name: a\n    kind: gate\n    with: { metric: "${{ parameters.nope }}", threshold: 0 }\n', /no parameter nope/],
      ['name: p\nsteps:\n  - name: a\n    kind: gate\n    with: { metric: 1 }\n', /steps\[0\]\.with.*threshold/],
      ['name: p\nsteps: [\n', /line \d/],
    ];
    for (const [source, why] of bad) {
      const res = await put('p', source);
      expect(res.statusCode, source).toBe(400);
      expect(reasonOf(res)).toBe('PIPELINE_INVALID');
      expect(res.json().error.message, source).toMatch(why);
    }
    // What a tester sends: a NUL character, a file nested thousands deep, a run body that is not an object.
    const nul = await put('p', 'name: p\nsteps:\n  - { name: a\u0000, kind: approval }\n');
    expect(nul.statusCode).toBe(400);
    const deep = await put('p', `name: p\nsteps:\n  - { name: a, kind: approval, with: { message: ${'['.repeat(5000)}${']'.repeat(5000)} } }\n`);
    expect(deep.statusCode, deep.body.slice(0, 300)).toBe(400);
    expect((await app.inject({ url: `/v1/projects/${P}/pipelines/p` })).statusCode).toBe(404);
    expect(reasonOf(await put('other', 'name: p\nsteps:\n  - { name: a, kind: approval }\n'))).toBe('PIPELINE_INVALID');
  });

  it('runs through an approval and a passing gate, moves the alias, and says so in events', async () => {
    const src = `name: promote-ctr
parameters:
  score: { type: number, default: 0.9 }
steps:
  - { name: check, kind: gate, with: { metric: "\${{ parameters.score }}", op: ">=", threshold: 0.8 } }
  - { name: sign-off, kind: approval, needs: [check], with: { message: "promote ctr v2?" } }
  - { name: promote, kind: set-alias, needs: [sign-off], with: { model: ctr, version: 2, alias: champion } }
`;
    expect((await put('promote-ctr', src)).statusCode).toBe(200);
    const wrong = await app.inject({ method: 'POST', url: `/v1/projects/${P}/pipelines/promote-ctr:run`, payload: { parameters: { score: 'high' } } });
    expect(reasonOf(wrong)).toBe('PIPELINE_PARAMETERS_INVALID');
    expect(wrong.json().error.message).toMatch(/score must be a number/);
    const r = await start('promote-ctr', {});
    expect(r.name).toBe(`projects/${P}/pipelineRuns/${r.runId}`);
    const waiting = await settle(r.runId, (x) => x.steps.find((s) => s.name === 'sign-off')?.state === 'RUNNING' && x.steps[1]!.outputs?.waiting === true);
    expect(states(waiting)).toMatchObject({ check: 'SUCCEEDED', promote: 'QUEUED' });
    // The list filters by state (the console's runs filter): the waiting run is RUNNING, not SUCCEEDED.
    const ids = async (q: string) => ((await app.inject({ url: `/v1/projects/${P}/pipelineRuns?pipeline=promote-ctr&${q}` })).json().pipelineRuns as Run[]).map((x) => x.runId);
    expect(await ids('state=RUNNING')).toContain(r.runId);
    expect(await ids('state=SUCCEEDED')).not.toContain(r.runId);
    expect((await app.inject({ url: `/v1/projects/${P}/pipelineRuns?state=DONE` })).statusCode).toBe(400);
    expect((await app.inject({ method: 'POST', url: `/v1/projects/${P}/pipelineRuns/${r.runId}:approve`, payload: { step: 'check' } })).statusCode).toBe(409);
    expect((await app.inject({ method: 'POST', url: `/v1/projects/${P}/pipelineRuns/${r.runId}:approve`, payload: { step: 'sign-off' } })).statusCode).toBe(200);
    const done = await settle(r.runId);
    expect(done.state).toBe('SUCCEEDED');
    expect(done.steps.find((s) => s.name === 'promote')!.outputs).toMatchObject({ versionId: '2', alias: 'champion' });
    expect((await app.inject({ url: `/v1/projects/${P}/models/ctr/versions/champion` })).json().versionId).toBe('2');
    const events = (await app.inject({ url: `/v1/projects/${P}/cloudEvents?pageSize=1000` })).json();
    const types = (events.cloudEvents as Array<{ type: string; subject: string }>).filter((e) => e.subject === `pipelineRuns/${r.runId}`).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['rouge.pipeline.run.queued', 'rouge.pipeline.run.running', 'rouge.pipeline.run.succeeded']));
    const logs = (await app.inject({ url: `/v1/projects/${P}/pipelineRuns/${r.runId}/logs?step=sign-off` })).json().lines as Array<{ line: string }>;
    expect(logs.map((l) => l.line)).toEqual(expect.arrayContaining(['promote ctr v2?', expect.stringMatching(/^approved by /)]));
  });

  it('skips what a failing gate holds back, fails what a failed step holds up, still runs all_done steps, and retries from the failed step', async () => {
    const src = `name: flaky
steps:
  - { name: low, kind: gate, with: { metric: 0.1, threshold: 0.5 } }
  - { name: after-low, kind: set-alias, needs: [low], with: { model: ctr, version: 1, alias: never } }
  - name: promote-missing
    kind: set-alias
    retries: { limit: 1, backoffSeconds: 0 }
    with: { model: ghost, version: 1, alias: champion }
  - { name: downstream, kind: approval, needs: [promote-missing] }
  - { name: cleanup, kind: gate, needs: [promote-missing], triggerRule: all_done, with: { metric: 1, threshold: 0 } }
`;
    expect((await put('flaky', src)).statusCode).toBe(200);
    const r = await settle((await start('flaky')).runId);
    expect(r.state).toBe('FAILED');
    expect(states(r)).toEqual({ low: 'SUCCEEDED', 'after-low': 'SKIPPED', 'promote-missing': 'FAILED', downstream: 'UPSTREAM_FAILED', cleanup: 'SUCCEEDED' });
    const failed = r.steps.find((s) => s.name === 'promote-missing')!;
    expect(failed.attempt).toBe(2);
    expect(failed.error).toMatch(/ghost/);
    expect(r.error).toMatch(/promote-missing/);
    expect((await app.inject({ method: 'POST', url: `/v1/projects/${P}/models`, payload: { name: 'ghost' } })).statusCode).toBe(200);
    const { multipart } = await import('./helpers/multipart.js');
    const m = multipart([{ name: 'metadata', value: JSON.stringify({ framework: 'http', spec: { upstreams: ['http://10.0.0.5:8080'] } }) }]);
    expect((await app.inject({ method: 'POST', url: `/v1/projects/${P}/models/ghost/versions`, ...m })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: `/v1/projects/${P}/pipelineRuns/${r.runId}:retry`, payload: { fromFailed: true } })).statusCode).toBe(200);
    const again = await settle(r.runId, (x) => x.steps.find((s) => s.name === 'downstream')?.state === 'RUNNING');
    expect(states(again)).toMatchObject({ low: 'SUCCEEDED', 'after-low': 'SKIPPED', 'promote-missing': 'SUCCEEDED' });
    expect((await app.inject({ method: 'POST', url: `/v1/projects/${P}/pipelineRuns/${r.runId}:cancel` })).statusCode).toBe(200);
    const cancelled = await get(r.runId);
    expect(cancelled.state).toBe('CANCELLED');
    expect(states(cancelled).downstream).toBe('CANCELLED');
    expect(reasonOf(await app.inject({ method: 'POST', url: `/v1/projects/${P}/pipelineRuns/${r.runId}:cancel` }))).toBe('PIPELINE_RUN_STATE');
  });

  it('holds a second run QUEUED while the first is active (maxActiveRuns 1)', async () => {
    expect((await put('one-at-a-time', 'name: one-at-a-time\nsteps:\n  - { name: wait, kind: approval }\n')).statusCode).toBe(200);
    const first = await start('one-at-a-time');
    await settle(first.runId, (x) => x.state === 'RUNNING');
    const second = await start('one-at-a-time');
    expect(second.state).toBe('QUEUED');
    await app.inject({ method: 'POST', url: `/v1/projects/${P}/pipelineRuns/${first.runId}:approve`, payload: { step: 'wait' } });
    await settle(first.runId);
    await settle(second.runId, (x) => x.state === 'RUNNING');
    await app.inject({ method: 'POST', url: `/v1/projects/${P}/pipelineRuns/${second.runId}:cancel` });
  });

  it('deploys a version to an endpoint with a share of the traffic, keeping the others\' proportions, and finds its own deploy on a retry', async () => {
    const { ONNX } = await import('./helpers/registry.js');
    const { multipart } = await import('./helpers/multipart.js');
    expect((await app.inject({ method: 'POST', url: `/v1/projects/${P}/models`, payload: { name: 'ranker' } })).statusCode).toBe(200);
    for (let i = 0; i < 2; i++) {
      const m = multipart([{ name: 'metadata', value: '{"framework":"onnx"}' }, { name: 'artifact', filename: 'm.onnx', data: ONNX }]);
      expect((await app.inject({ method: 'POST', url: `/v1/projects/${P}/models/ranker/versions`, ...m })).statusCode).toBe(200);
    }
    expect((await app.inject({ method: 'POST', url: `/v1/projects/${P}/endpoints`, payload: { name: 'ranking' } })).statusCode).toBe(200);
    const src = `name: roll-out
parameters:
  version: { type: integer }
  percent: { type: integer }
steps:
  - { name: deploy, kind: deploy, with: { endpoint: ranking, model: "ranker@\${{ parameters.version }}", trafficPercent: "\${{ parameters.percent }}" } }
`;
    expect((await put('roll-out', src)).statusCode).toBe(200);
    const first = await settle((await start('roll-out', { parameters: { version: 1, percent: 100 } })).runId);
    expect(first.state, JSON.stringify(first.steps)).toBe('SUCCEEDED');
    const one = first.steps[0]!.outputs!.deployedModelId as string;
    const second = await settle((await start('roll-out', { parameters: { version: 2, percent: 20 } })).runId);
    expect(second.state, JSON.stringify(second.steps)).toBe('SUCCEEDED');
    const two = second.steps[0]!.outputs!.deployedModelId as string;
    const ep = (await app.inject({ url: `/v1/projects/${P}/endpoints/ranking` })).json();
    expect(ep.trafficSplit).toEqual({ [one]: 80, [two]: 20 });
    // The step run again (as after a worker died once its deploy had started): it finds its model and deploys nothing new.
    expect((await app.inject({ method: 'POST', url: `/v1/projects/${P}/pipelineRuns/${second.runId}:retry`, payload: { fromFailed: false } })).statusCode).toBe(200);
    await settle(second.runId);
    expect((await app.inject({ url: `/v1/projects/${P}/endpoints/ranking` })).json().deployedModels.length).toBe(2);
  }, 120_000);

  it('calls a URL with a JSON body, and refuses loopback and metadata addresses that are not allowed', async () => {
    const got: Array<{ method?: string; body: string; type?: string }> = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        got.push({ method: req.method, body, type: req.headers['content-type'] });
        res.writeHead(req.url === '/fail' ? 503 : 200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, n: got.length }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.2', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const src = `name: notify
parameters:
  who: { type: string, default: data-eng }
steps:
  - { name: tell, kind: http, with: { url: "http://127.0.0.2:${port}/done", body: { run: done, to: "\${{ parameters.who }}" } } }
  - { name: loopback, kind: http, with: { url: "http://127.0.0.1:${port}/x" } }
  - { name: metadata, kind: http, with: { url: "http://169.254.169.254/latest/meta-data/" } }
  - { name: down, kind: http, with: { url: "http://127.0.0.2:${port}/fail", method: PUT } }
`;
      expect((await put('notify', src)).statusCode).toBe(200);
      const r = await settle((await start('notify')).runId);
      expect(states(r)).toEqual({ tell: 'SUCCEEDED', loopback: 'FAILED', metadata: 'FAILED', down: 'FAILED' });
      expect(r.steps[0]!.outputs).toEqual({ status: 200, body: { ok: true, n: expect.any(Number) } });
      expect(got.find((g) => g.method === 'POST')).toEqual({ method: 'POST', body: '{"run":"done","to":"data-eng"}', type: 'application/json' });
      expect(r.steps[1]!.error).toMatch(/loopback address: not fetched \(allow it with --fetch-allow-cidr\)/);
      expect(r.steps[2]!.error).toMatch(/linkLocal/);
      expect(r.steps[3]!.error).toMatch(/answered 503/);
    } finally {
      await new Promise((res) => server.close(res));
    }
  });

  it('runs a command step as an argv with a scrubbed environment, and lets only holders of pipelines.commandSteps.create define one', async () => {
    const script = "console.log('hello ' + process.argv[1]); console.log('rouge-output: ' + JSON.stringify({ n: 3 })); console.log(process.env.ROUGE_TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'no database url'); process.exit(process.argv[1] === 'fail' ? 3 : 0)";
    const src = `name: shell
parameters:
  who: { type: string, default: "world; rm -rf /" }
steps:
  - { name: run, kind: command, with: { command: [${JSON.stringify(process.execPath)}, -e, ${JSON.stringify(script)}, "\${{ parameters.who }}"] } }
`;
    const key = async (name: string, role: string) => {
      await app.inject({ method: 'POST', url: `/v1/projects/${P}/serviceAccounts`, payload: { name } });
      await app.inject({ method: 'POST', url: `/v1/projects/${P}/bindings`, payload: { principal: `serviceAccount:${name}@${P}`, role } });
      return (await app.inject({ method: 'POST', url: `/v1/projects/${P}/serviceAccounts/${name}/keys`, payload: {} })).json().key as string;
    };
    const editor = await key('pipeline-editor', 'editor');
    const refused = await app.inject({ method: 'PUT', url: `/v1/projects/${P}/pipelines/shell`, headers: { authorization: `Bearer ${editor}` }, payload: { source: src } });
    expect(refused.statusCode, refused.body).toBe(403);
    expect(reasonOf(refused)).toBe('PIPELINE_COMMAND_STEPS_FORBIDDEN');
    expect(refused.json().error.message).toMatch(/pipelines\.commandSteps\.create/);
    const applied = await put('shell', src);
    expect(applied.statusCode, applied.body).toBe(200);
    const r = await settle((await start('shell')).runId);
    expect(r.state, JSON.stringify(r.steps)).toBe('SUCCEEDED');
    expect(r.steps[0]!.outputs).toEqual({ exitCode: 0, n: 3 });
    const lines = ((await app.inject({ url: `/v1/projects/${P}/pipelineRuns/${r.runId}/logs?step=run` })).json().lines as Array<{ line: string }>).map((l) => l.line);
    // The parameter is one argument, never a shell's words; the database URL is not in the step's environment.
    expect(lines).toEqual(expect.arrayContaining(['hello world; rm -rf /', 'no database url']));
    const failed = await settle((await start('shell', { parameters: { who: 'fail' } })).runId);
    expect(failed.steps[0]!.error).toMatch(/exited with 3/);
  });

  it('fails a step whose job died with its worker (the queue marks it dead without running it again), so the run ends and can be retried', async () => {
    const src = `name: crash
steps:
  - { name: slow, kind: command, timeoutSeconds: 120, with: { command: [${JSON.stringify(process.execPath)}, -e, "setTimeout(() => {}, 40000)"] } }
  - { name: after, kind: gate, needs: [slow], with: { metric: 1, threshold: 0 } }
`;
    expect((await put('crash', src)).statusCode).toBe(200);
    const started = await start('crash');
    const running = await settle(started.runId, (x) => x.steps[0]!.state === 'RUNNING');
    const job = (await app.rouge.store.typed<any>().selectFrom('pipeline_steps').select('job').where('run', '=', running.runId).where('name', '=', 'slow').executeTakeFirst())!.job as string;
    // What the queue records when the worker of a job's last attempt died: dead, its handler never run again.
    await app.rouge.store.typed<any>().updateTable('jobs').set({ state: 'dead', error: JSON.stringify({ status: 'UNAVAILABLE', message: 'the worker running it stopped' }), done_time: new Date().toISOString(), lease_until: null }).where('id', '=', job).execute();
    const ended = await settle(started.runId, undefined, 30_000);
    expect(ended.state).toBe('FAILED');
    expect(states(ended)).toEqual({ slow: 'FAILED', after: 'UPSTREAM_FAILED' });
    expect(ended.steps[0]!.error).toMatch(/its job ended DEAD/);
  }, 60_000);

  it('trains the recommender, evaluates it against the champion, and promotes it only when it is better', async () => {
    expect((await put('retrain-recs', CHAIN)).statusCode, 'apply').toBe(200);
    const first = await settle((await start('retrain-recs')).runId, undefined, 180_000);
    expect(first.state, JSON.stringify(first.steps)).toBe('SUCCEEDED');
    expect(states(first)).toEqual({ train: 'SUCCEEDED', 'evaluate-new': 'SUCCEEDED', 'evaluate-champion': 'SUCCEEDED', better: 'SUCCEEDED', promote: 'SUCCEEDED' });
    expect(first.steps.find((s) => s.name === 'evaluate-champion')!.outputs).toMatchObject({ exists: false });
    const ndcg = first.steps.find((s) => s.name === 'evaluate-new')!.outputs!.metrics['NDCG@10'];
    expect(ndcg).toBeGreaterThan(0);
    const v = (await app.inject({ url: `/v1/projects/${P}/models/recs/versions/champion` })).json();
    expect(v.versionId).toBe(first.steps[0]!.outputs!.versionId);
    expect(v.lineage.pipelineRun).toBe(`projects/${P}/pipelineRuns/${first.runId}/steps/train`);
    // Trained on the same events, the second model is no better than the champion: the gate holds it back.
    const second = await settle((await start('retrain-recs')).runId, undefined, 180_000);
    expect(second.state).toBe('SUCCEEDED');
    expect(second.steps.find((s) => s.name === 'better')!.outputs).toMatchObject({ passed: false });
    expect(states(second).promote).toBe('SKIPPED');
    expect((await app.inject({ url: `/v1/projects/${P}/models/recs/versions/champion` })).json().versionId).toBe(v.versionId);
  }, 240_000);
});
