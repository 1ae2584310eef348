import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeKubeApi } from '../../../test/helpers/fake-kube-api.js';
import type { StepContext } from '../kinds.js';
import { CommandOutput } from './command-output.js';
import { connectKube, kubeSource } from './command-k8s-config.js';
import { jobManifest, jobName } from './command-k8s-job.js';
import { KubernetesExecutor } from './command-k8s.js';

describe('the Kubernetes executor of command steps, against a fake API server', () => {
  const kube = new FakeKubeApi();
  let executor: KubernetesExecutor;
  let kubeconfig: string;
  const lines: string[] = [];
  const ctx = (over: Partial<StepContext> = {}): StepContext => ({
    project: 'p', run: '01JZZZZZZZZZZZZZZZZZZZZZZZ', step: 'train', try: 1, attempt: 1, principal: 'user:admin',
    signal: new AbortController().signal, log: async (l) => void lines.push(l), ...over,
  });
  const cmd = { argv: ['python3', 'train.py'], env: { ROUGE_STEP: 'train' } };

  beforeAll(async () => {
    await kube.start();
    kubeconfig = kube.kubeconfig(mkdtempSync(join(tmpdir(), 'rouge-kube-')), 'from-context');
    executor = new KubernetesExecutor(() => connectKube({ kubeconfig }), { image: 'img:1', pollMs: 10, maxPollMs: 50 });
  });
  afterAll(() => kube.close());

  it('names each attempt of each try of a step with a DNS label of at most 63 characters, the same in every process', () => {
    const long = ctx({ step: `s${'x'.repeat(62)}` });
    expect(jobName(long)).toMatch(/^rouge-s[x]{39}-[0-9a-f]{12}$/);
    expect(jobName(long).length).toBeLessThanOrEqual(63);
    expect(jobName(ctx())).toBe(jobName(ctx()));
    expect(new Set([jobName(ctx()), jobName(ctx({ attempt: 2 })), jobName(ctx({ try: 2 })), jobName(ctx({ run: '01JYYYYYYYYYYYYYYYYYYYYYYY' }))]).size).toBe(4);
  });

  it('uses the kubeconfig context\'s namespace when no --kubernetes-namespace is set, and refuses a kubeconfig that is not there', async () => {
    expect((await connectKube({ kubeconfig })).namespace).toBe('from-context');
    expect((await connectKube({ kubeconfig, kubernetesNamespace: 'jobs' })).namespace).toBe('jobs');
    expect(() => kubeSource({ kubeconfig: '/nowhere/kubeconfig' })).toThrow(/--kubeconfig \/nowhere\/kubeconfig does not exist/);
  });

  it('deletes the Job an earlier attempt left running (its worker died) before it runs its own', async () => {
    const earlier = jobManifest(ctx(), cmd, 'img:1');
    kube.behave = (job) => ({ log: 'ok\n', exitCode: 0, runMs: job.metadata.name === earlier.metadata!.name ? 10 * 60_000 : 20 });
    await fetch(`${kube.url}/apis/batch/v1/namespaces/from-context/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(earlier) });
    const out = new CommandOutput(async (l) => void lines.push(l));
    await expect(executor.run(cmd, ctx({ attempt: 2 }), out)).resolves.toEqual({ exitCode: 0 });
    expect(kube.deleted).toContainEqual({ namespace: 'from-context', name: earlier.metadata!.name, propagationPolicy: 'Background', existed: true });
    expect(kube.jobs.size).toBe(0);
  });

  it('takes the Job its own attempt already made (a create whose answer was lost) instead of failing on AlreadyExists, and refuses one another step made', async () => {
    kube.behave = () => ({ log: 'rouge-output: {"rows": 7}\n', exitCode: 0, runMs: 30 });
    const mine = jobManifest(ctx({ attempt: 3 }), cmd, 'img:1');
    await fetch(`${kube.url}/apis/batch/v1/namespaces/from-context/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(mine) });
    const out = new CommandOutput(async (l) => void lines.push(l));
    await executor.run(cmd, ctx({ attempt: 3 }), out);
    expect(out.outputs).toEqual({ rows: 7 });
    expect(lines).toContain(`Kubernetes Job ${mine.metadata!.name} already exists (made by this attempt): waiting for it`);

    const stranger = jobManifest(ctx({ attempt: 4 }), cmd, 'img:1');
    stranger.metadata!.labels = { app: 'someone-else' };
    await fetch(`${kube.url}/apis/batch/v1/namespaces/from-context/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(stranger) });
    await expect(executor.run(cmd, ctx({ attempt: 4 }), new CommandOutput(async () => undefined))).rejects.toThrow(/a Job named rouge-train-[0-9a-f]+ that this step did not make exists in namespace from-context/);
    expect(kube.jobs.has(`from-context/${stranger.metadata!.name}`)).toBe(true);
  });

  it('says where it could not reach the API server', async () => {
    const unreachable = new FakeKubeApi();
    const url = await unreachable.start();
    const cfg = unreachable.kubeconfig(mkdtempSync(join(tmpdir(), 'rouge-kube-')));
    await unreachable.close();
    const gone = new KubernetesExecutor(() => connectKube({ kubeconfig: cfg }), { image: 'img:1' });
    await expect(gone.run(cmd, ctx({ attempt: 5 }), new CommandOutput(async () => undefined))).rejects.toThrow(new RegExp(`^cannot reach the Kubernetes API at ${url.replace(/[.]/g, '\\.')} to create the Job rouge-train-`));
  });
});
