/**
 * Command steps run as Kubernetes Jobs (--command-executor kubernetes), end
 * to end through the app on both stores, against a fake of the Kubernetes API
 * (test/helpers/fake-kube-api.ts): the Job Rouge sends, its outputs read from
 * the pod's log, a failed Job, a cancel, a pod that cannot start, and an API
 * that refuses.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from './helpers/app.js';
import { FakeKubeApi, statusBody } from './helpers/fake-kube-api.js';
import { STORE_KINDS } from './helpers/stores.js';
import { until } from './helpers/until.js';

type Run = { runId: string; state: string; error?: string; steps: Array<{ name: string; state: string; attempt: number; outputs?: Record<string, any>; error?: string }> };

const P = 'kube-shop';
const NS = 'rouge-jobs';
const DEFAULT_IMAGE = 'registry.example/rouge-step:1';

describe.each(STORE_KINDS)('command steps as Kubernetes Jobs on %s', (storeKind) => {
  let app: FastifyInstance;
  const kube = new FakeKubeApi();
  // What the fake's pods do, by their first argument: the manifest decides, as a real image would.
  kube.behave = (job) => {
    const args: string[] = job.spec.template.spec.containers[0].args;
    if (args[0] === 'fail') return { log: 'loading 120 rows\nTraceback (most recent call last):\nValueError: boom\n', exitCode: 3, runMs: 50 };
    if (args[0] === 'hang') return { log: 'still going\n', exitCode: 0, runMs: 10 * 60_000 };
    if (job.spec.template.spec.containers[0].image.includes('missing')) return { log: '', exitCode: 0, runMs: 0, waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "registry.example/missing:0"' } };
    return { log: `${args.join('\n')}\n`, exitCode: 0, runMs: 100 };
  };
  const put = (name: string, source: string) => app.inject({ method: 'PUT', url: `/v1/projects/${P}/pipelines/${name}`, payload: { source } });
  const start = async (name: string) => {
    const res = await app.inject({ method: 'POST', url: `/v1/projects/${P}/pipelines/${name}:run`, payload: {} });
    expect(res.statusCode, res.body).toBe(200);
    return (res.json() as Run).runId;
  };
  const get = async (id: string) => (await app.inject({ url: `/v1/projects/${P}/pipelineRuns/${id}` })).json() as Run;
  const settle = (id: string, pred: (r: Run) => boolean = (r) => ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(r.state)) =>
    until(`run ${id}`, async () => {
      const r = await get(id);
      return pred(r) ? r : undefined;
    }, 30_000);
  const logs = async (id: string, step: string) => ((await app.inject({ url: `/v1/projects/${P}/pipelineRuns/${id}/logs?step=${step}` })).json().lines as Array<{ line: string }>).map((l) => l.line);
  const jobsOf = (runId: string) => kube.created.filter((j) => j.metadata.labels['rouge.dev/pipeline-run'] === runId);

  beforeAll(async () => {
    await kube.start();
    const dir = mkdtempSync(join(tmpdir(), 'rouge-kube-'));
    app = await buildTestApp(storeKind, {
      commandExecutor: 'kubernetes', kubeconfig: kube.kubeconfig(dir), kubernetesNamespace: NS, kubernetesImage: DEFAULT_IMAGE,
      // A cancel reaches a running step at its next lease renewal, a third of the lease.
      pipelineStepLeaseSeconds: 3,
    }, { workerPollMs: 10 });
    await app.rouge.start();
    expect((await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: P } })).statusCode).toBe(200);
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await kube.close();
  });

  it('runs a step as a Job with the step\'s image, argv, scrubbed environment, resources and service account, takes its outputs from the pod log, and deletes the Job', async () => {
    const src = `name: k8s-train
parameters:
  who: { type: string, default: "world; rm -rf /" }
steps:
  - name: train
    kind: command
    timeoutSeconds: 900
    with:
      command: [python3, train.py, "\${{ parameters.who }}", 'rouge-output: {"auc": 0.81}']
      env: { EPOCHS: 3 }
      image: registry.example/train:2
      resources: { requests: { cpu: 500m, memory: 1Gi }, limits: { memory: 2Gi } }
      serviceAccountName: trainer
  - name: report
    kind: command
    needs: [train]
    with: { command: [echo, "\${{ steps.train.outputs.auc }}"] }
`;
    const applied = await put('k8s-train', src);
    expect(applied.statusCode, applied.body).toBe(200);
    const runId = await start('k8s-train');
    const r = await settle(runId);
    expect(r.state, JSON.stringify(r)).toBe('SUCCEEDED');
    expect(r.steps[0]!.outputs).toEqual({ exitCode: 0, auc: 0.81 });
    expect(r.steps[1]!.outputs).toEqual({ exitCode: 0 });
    // The parameter is one argument, never a shell's words.
    expect(await logs(runId, 'train')).toEqual(expect.arrayContaining(['python3', 'train.py', 'world; rm -rf /']));

    const [train, report] = jobsOf(runId);
    expect(train).toMatchObject({
      apiVersion: 'batch/v1', kind: 'Job',
      metadata: { labels: { 'app.kubernetes.io/managed-by': 'rouge', 'rouge.dev/pipeline-run': runId, 'rouge.dev/step': 'train' } },
      spec: { backoffLimit: 0, activeDeadlineSeconds: 900, template: { spec: { restartPolicy: 'Never', serviceAccountName: 'trainer' } } },
    });
    expect(train!.metadata.name).toMatch(/^rouge-train-[0-9a-f]{12}$/);
    expect(train!.spec.ttlSecondsAfterFinished).toBeGreaterThan(0);
    const container = train!.spec.template.spec.containers[0];
    expect(container.image).toBe('registry.example/train:2');
    expect(container.args).toEqual(['python3', 'train.py', 'world; rm -rf /', 'rouge-output: {"auc": 0.81}']);
    expect(container.command).toBeUndefined();
    // Exactly the step's environment: nothing of the worker's (no database URL, pepper, cache credentials, not even PATH).
    expect(container.env).toEqual([
      { name: 'ROUGE_PROJECT', value: P }, { name: 'ROUGE_PIPELINE_RUN', value: runId }, { name: 'ROUGE_STEP', value: 'train' }, { name: 'EPOCHS', value: '3' },
    ]);
    expect(container.resources).toEqual({ requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '2Gi' } });
    expect(container.securityContext).toEqual({ allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
    expect(train!.spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true });
    // A step that names no image gets the default, and no API token.
    expect(report!.spec.template.spec.containers[0]).toMatchObject({ image: DEFAULT_IMAGE, args: ['echo', '0.81'] });
    expect(report!.spec.template.spec).toMatchObject({ automountServiceAccountToken: false });
    expect(report!.spec.template.spec.serviceAccountName).toBeUndefined();
    expect(report!.spec.activeDeadlineSeconds).toBeUndefined();
    // Both Jobs were deleted once they ended, their pods with them.
    for (const j of [train!, report!]) {
      expect(kube.deleted).toContainEqual({ namespace: NS, name: j.metadata.name, propagationPolicy: 'Background', existed: true });
      expect(kube.jobs.has(`${NS}/${j.metadata.name}`)).toBe(false);
    }
  });

  it('fails the step when its Job fails, with the pod\'s log in the step log, and deletes the Job', async () => {
    expect((await put('k8s-fail', 'name: k8s-fail\nsteps:\n  - { name: crunch, kind: command, with: { command: [fail, --rows, 120] } }\n')).statusCode).toBe(200);
    const runId = await start('k8s-fail');
    const r = await settle(runId);
    expect(r.state).toBe('FAILED');
    expect(r.steps[0]!.error).toMatch(/the Job rouge-crunch-[0-9a-f]+ failed \(its container exited with 3\): BackoffLimitExceeded: Job has reached the specified backoff limit/);
    expect(await logs(runId, 'crunch')).toEqual(expect.arrayContaining(['loading 120 rows', 'ValueError: boom']));
    const [job] = jobsOf(runId);
    expect(kube.deleted).toContainEqual({ namespace: NS, name: job!.metadata.name, propagationPolicy: 'Background', existed: true });
  });

  it('deletes the Job of a running step when its run is cancelled', async () => {
    expect((await put('k8s-cancel', 'name: k8s-cancel\nsteps:\n  - { name: long, kind: command, with: { command: [hang] } }\n')).statusCode).toBe(200);
    const runId = await start('k8s-cancel');
    const name = await until('the Job to be made', async () => jobsOf(runId)[0]?.metadata.name as string | undefined, 30_000);
    await settle(runId, (r) => r.steps[0]!.state === 'RUNNING');
    expect(kube.jobs.has(`${NS}/${name}`)).toBe(true);
    expect((await app.inject({ method: 'POST', url: `/v1/projects/${P}/pipelineRuns/${runId}:cancel` })).statusCode).toBe(200);
    await until('the Job to be deleted', async () => (kube.deleted.some((d) => d.name === name && d.existed) ? true : undefined), 30_000);
    expect(kube.jobs.has(`${NS}/${name}`)).toBe(false);
    expect(kube.deleted.find((d) => d.name === name)!.propagationPolicy).toBe('Background');
    expect((await get(runId)).state).toBe('CANCELLED');
  });

  it('fails a step whose pod cannot start (ImagePullBackOff) with the kubelet\'s reason, instead of waiting for ever', async () => {
    expect((await put('k8s-pull', 'name: k8s-pull\nsteps:\n  - { name: pull, kind: command, with: { command: [run], image: "registry.example/missing:0" } }\n')).statusCode).toBe(200);
    const runId = await start('k8s-pull');
    const r = await settle(runId);
    expect(r.state).toBe('FAILED');
    expect(r.steps[0]!.error).toMatch(/cannot start: ImagePullBackOff: Back-off pulling image "registry\.example\/missing:0"/);
    expect(kube.deleted.some((d) => d.name === jobsOf(runId)[0]!.metadata.name && d.existed)).toBe(true);
  });

  it('fails the step with the API server\'s reason when Kubernetes refuses the Job (403 Forbidden)', async () => {
    kube.refuse = (method, path) => (method === 'POST' && path === `/apis/batch/v1/namespaces/${NS}/jobs`
      ? statusBody(403, 'Forbidden', `jobs.batch is forbidden: User "system:serviceaccount:rouge:rouge-worker" cannot create resource "jobs" in API group "batch" in the namespace "${NS}"`, { group: 'batch', kind: 'jobs' })
      : undefined);
    try {
      expect((await put('k8s-rbac', 'name: k8s-rbac\nsteps:\n  - { name: step, kind: command, with: { command: [run] } }\n')).statusCode).toBe(200);
      const runId = await start('k8s-rbac');
      const r = await settle(runId);
      expect(r.state).toBe('FAILED');
      expect(r.steps[0]!.error).toMatch(new RegExp(`^Kubernetes refused to create the Job rouge-step-[0-9a-f]+ in namespace ${NS}: 403 Forbidden: jobs\\.batch is forbidden: User "system:serviceaccount:rouge:rouge-worker" cannot create resource "jobs"`));
      expect(jobsOf(runId)).toEqual([]);
    } finally {
      kube.refuse = () => undefined;
    }
  });
});
