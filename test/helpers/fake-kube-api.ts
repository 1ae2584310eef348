/**
 * A fake of the few Kubernetes API endpoints the command-step executor calls,
 * on node:http, answering with the shapes of the API reference
 * (https://kubernetes.io/docs/reference/kubernetes-api/): batch/v1 Jobs
 * (create, read, delete), pods listed by label, a pod's log as text/plain,
 * and `kind: Status` objects for errors (NotFound, AlreadyExists, Forbidden,
 * Invalid). It runs nothing: a Job's pod "runs" for a while and ends as
 * `behave` says (by default it prints each argument on a line and exits 0),
 * with the conditions a job controller of Kubernetes 1.31+ writes
 * (SuccessCriteriaMet then Complete; FailureTarget then Failed).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

type Json = Record<string, any>;

/** How a fake pod behaves: what it prints, how it ends, and after how long. */
export interface FakeRun {
  log: string;
  exitCode: number;
  runMs: number;
  /** A container that never starts (`ImagePullBackOff`): the pod stays Pending with this waiting state. */
  waiting?: { reason: string; message: string };
}

interface FakeJob {
  namespace: string;
  job: Json;
  pod: Json;
  run: FakeRun;
  timers: NodeJS.Timeout[];
}

/** A `kind: Status` error body, as the API server writes it. */
export function statusBody(code: number, reason: string, message: string, details?: Json): Json {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

export class FakeKubeApi {
  /** Every Job body POSTed, in order, as received. */
  readonly created: Json[] = [];
  /** Every DELETE of a Job, with the propagation policy asked for. */
  readonly deleted: Array<{ namespace: string; name: string; propagationPolicy: string | undefined; existed: boolean }> = [];
  /** Every request, `METHOD path?query`. */
  readonly requests: string[] = [];
  /** Jobs that exist now, by `namespace/name`. */
  readonly jobs = new Map<string, FakeJob>();
  /** Decides how a Job's pod behaves, from the Job as created. */
  behave: (job: Json) => FakeRun = (job) => ({ log: `${(job.spec.template.spec.containers[0].args ?? []).join('\n')}\n`, exitCode: 0, runMs: 100 });
  /** Answers a request with this error instead (RBAC that is missing: a 403 Forbidden Status). */
  refuse: (method: string, path: string) => Json | undefined = () => undefined;
  private readonly server = http.createServer((req, res) => void this.handle(req, res));
  private resourceVersion = 1000;

  /** Listens on a free port of 127.0.0.1; resolves to the base URL. */
  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this.url;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const j of this.jobs.values()) for (const t of j.timers) clearTimeout(t);
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  /**
   * Writes a kubeconfig that points at this server (plain HTTP, which the
   * client allows only with insecure-skip-tls-verify) and returns its path.
   */
  kubeconfig(dir: string, namespace?: string): string {
    const file = join(dir, 'kubeconfig.json');
    writeFileSync(file, JSON.stringify({
      apiVersion: 'v1', kind: 'Config', 'current-context': 'fake',
      clusters: [{ name: 'fake', cluster: { server: this.url, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'rouge-worker', user: { token: 'fake-token' } }],
      contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'rouge-worker', ...(namespace ? { namespace } : {}) } }],
    }));
    return file;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url!, 'http://fake');
    this.requests.push(`${req.method} ${url.pathname}${url.search}`);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const send = (code: number, body: Json | string) => {
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      res.writeHead(code, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json' }).end(text);
    };
    const refused = this.refuse(req.method!, url.pathname);
    if (refused) return send(refused.code, refused);
    let m;
    if ((m = /^\/apis\/batch\/v1\/namespaces\/([^/]+)\/jobs$/.exec(url.pathname)) && req.method === 'POST') return send(...this.create(m[1]!, JSON.parse(raw)));
    if ((m = /^\/apis\/batch\/v1\/namespaces\/([^/]+)\/jobs\/([^/]+)$/.exec(url.pathname))) {
      const [ns, name] = [m[1]!, m[2]!];
      const j = this.jobs.get(`${ns}/${name}`);
      if (req.method === 'GET') return j ? send(200, j.job) : send(404, notFound(name));
      if (req.method === 'DELETE') {
        let policy = url.searchParams.get('propagationPolicy') ?? undefined;
        try {
          policy ??= (JSON.parse(raw || '{}') as Json).propagationPolicy;
        } catch {
          // a body that is not JSON carries no policy
        }
        this.deleted.push({ namespace: ns, name, propagationPolicy: policy, existed: !!j });
        if (!j) return send(404, notFound(name));
        for (const t of j.timers) clearTimeout(t);
        this.jobs.delete(`${ns}/${name}`);
        return send(200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name, group: 'batch', kind: 'jobs', uid: j.job.metadata.uid } });
      }
    }
    if ((m = /^\/api\/v1\/namespaces\/([^/]+)\/pods$/.exec(url.pathname)) && req.method === 'GET') {
      const selector = Object.fromEntries((url.searchParams.get('labelSelector') ?? '').split(',').filter(Boolean).map((kv) => kv.split('=') as [string, string]));
      const items = [...this.jobs.values()].filter((j) => j.namespace === m![1] && j.pod.metadata && Object.entries(selector).every(([k, v]) => j.pod.metadata.labels[k] === v)).map((j) => j.pod);
      return send(200, { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: String(this.resourceVersion) }, items });
    }
    if ((m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/log$/.exec(url.pathname)) && req.method === 'GET') {
      const j = [...this.jobs.values()].find((x) => x.namespace === m![1] && x.pod.metadata?.name === m![2]);
      if (!j) return send(404, statusBody(404, 'NotFound', `pods "${m[2]}" not found`, { name: m[2], kind: 'pods' }));
      if (url.searchParams.get('container') !== 'step') return send(400, statusBody(400, 'BadRequest', `container ${url.searchParams.get('container')} is not valid for pod ${m[2]}`));
      if (j.pod.status.phase === 'Pending') return send(400, statusBody(400, 'BadRequest', `container "step" in pod "${m[2]}" is waiting to start: trying and failing to pull image`));
      return send(200, j.run.log);
    }
    return send(404, statusBody(404, 'NotFound', 'the server could not find the requested resource', { causes: [{ reason: 'UnexpectedServerResponse', message: '404 page not found' }] }));
  }

  private create(namespace: string, body: Json): [number, Json] {
    const name: string | undefined = body.metadata?.name;
    if (body.kind !== 'Job' || body.apiVersion !== 'batch/v1') return [400, statusBody(400, 'BadRequest', `the API version in the data (${body.apiVersion}) does not match the expected API version (batch/v1)`)];
    const invalid: string[] = [];
    if (!name || name.length > 63 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)) invalid.push(`metadata.name: Invalid value: "${name}": a lowercase RFC 1123 label of at most 63 characters`);
    const pod = body.spec?.template?.spec;
    if (!['Never', 'OnFailure'].includes(pod?.restartPolicy)) invalid.push('spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"');
    if (!pod?.containers?.[0]?.image) invalid.push('spec.template.spec.containers[0].image: Required value');
    if (invalid.length) return [422, statusBody(422, 'Invalid', `Job.batch "${name}" is invalid: ${invalid.join(', ')}`, { name, group: 'batch', kind: 'Job', causes: invalid.map((message) => ({ reason: 'FieldValueInvalid', message })) })];
    if (this.jobs.has(`${namespace}/${name}`)) return [409, statusBody(409, 'AlreadyExists', `jobs.batch "${name}" already exists`, { name, group: 'batch', kind: 'jobs' })];
    this.created.push(structuredClone(body));
    const uid = randomUUID();
    const controllerLabels: Record<string, string> = { 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': name!, 'controller-uid': uid, 'job-name': name! };
    const job: Json = {
      kind: 'Job', apiVersion: 'batch/v1',
      metadata: { ...body.metadata, namespace, uid, resourceVersion: String(++this.resourceVersion), generation: 1, creationTimestamp: now() },
      spec: {
        parallelism: 1, completions: 1, completionMode: 'NonIndexed', suspend: false, podReplacementPolicy: 'TerminatingOrFailed', manualSelector: false,
        ...body.spec,
        selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } },
        template: { ...body.spec.template, metadata: { ...body.spec.template.metadata, labels: { ...body.spec.template.metadata?.labels, ...controllerLabels } } },
      },
      status: {},
    };
    const run = this.behave(job);
    const f: FakeJob = { namespace, job, pod: {}, run, timers: [] };
    this.jobs.set(`${namespace}/${name}`, f);
    // The job controller makes the pod a moment later; then it runs, then it ends (or the deadline ends it).
    f.timers.push(setTimeout(() => this.startPod(f, controllerLabels), 10));
    const deadline = body.spec.activeDeadlineSeconds ? body.spec.activeDeadlineSeconds * 1000 : Infinity;
    if (!run.waiting && run.runMs < deadline) f.timers.push(setTimeout(() => this.finish(f, run.exitCode === 0 ? 'ok' : 'BackoffLimitExceeded'), 10 + run.runMs));
    else if (deadline < Infinity) f.timers.push(setTimeout(() => this.finish(f, 'DeadlineExceeded'), deadline));
    return [201, job];
  }

  private startPod(f: FakeJob, controllerLabels: Record<string, string>): void {
    const name = f.job.metadata.name;
    const container = f.job.spec.template.spec.containers[0];
    f.pod = {
      kind: 'Pod', apiVersion: 'v1',
      metadata: {
        name: `${name}-${randomBytes(3).toString('hex').slice(0, 5)}`, namespace: f.namespace, uid: randomUUID(), resourceVersion: String(++this.resourceVersion), creationTimestamp: now(),
        labels: { ...f.job.spec.template.metadata.labels, ...controllerLabels },
        ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name, uid: f.job.metadata.uid, controller: true, blockOwnerDeletion: true }],
        finalizers: ['batch.kubernetes.io/job-tracking'],
      },
      spec: f.job.spec.template.spec,
      status: f.run.waiting
        ? { phase: 'Pending', containerStatuses: [{ name: 'step', image: container.image, imageID: '', ready: false, restartCount: 0, started: false, state: { waiting: f.run.waiting } }] }
        : { phase: 'Running', startTime: now(), containerStatuses: [{ name: 'step', image: container.image, imageID: '', ready: true, restartCount: 0, started: true, state: { running: { startedAt: now() } } }] },
    };
    f.job.status = { active: 1, ready: f.run.waiting ? 0 : 1, terminating: 0, startTime: now(), uncountedTerminatedPods: {} };
  }

  private finish(f: FakeJob, how: 'ok' | 'BackoffLimitExceeded' | 'DeadlineExceeded'): void {
    const t = now();
    const cond = (type: string, reason: string, message: string) => ({ type, status: 'True', lastProbeTime: t, lastTransitionTime: t, reason, message });
    const terminated = how === 'ok' ? { exitCode: 0, reason: 'Completed' } : how === 'BackoffLimitExceeded' ? { exitCode: f.run.exitCode, reason: 'Error' } : { exitCode: 137, reason: 'Error' };
    if (f.pod.status) {
      f.pod.status.phase = how === 'ok' ? 'Succeeded' : 'Failed';
      f.pod.status.containerStatuses[0].state = { terminated: { ...terminated, startedAt: f.job.status.startTime, finishedAt: t, containerID: `containerd://${randomBytes(8).toString('hex')}` } };
      f.pod.status.containerStatuses[0].ready = false;
    }
    const base = { startTime: f.job.status.startTime ?? t, terminating: 0, ready: 0, uncountedTerminatedPods: {} };
    if (how === 'ok') {
      const why: [string, string] = ['CompletionsReached', 'Reached expected number of succeeded pods'];
      f.job.status = { ...base, conditions: [cond('SuccessCriteriaMet', ...why), cond('Complete', ...why)], completionTime: t, succeeded: 1 };
    } else {
      const why: [string, string] = how === 'BackoffLimitExceeded' ? ['BackoffLimitExceeded', 'Job has reached the specified backoff limit'] : ['DeadlineExceeded', 'Job was active longer than specified deadline'];
      f.job.status = { ...base, conditions: [cond('FailureTarget', ...why), cond('Failed', ...why)], failed: 1 };
    }
    f.job.metadata.resourceVersion = String(++this.resourceVersion);
  }
}

function notFound(name: string): Json {
  return statusBody(404, 'NotFound', `jobs.batch "${name}" not found`, { name, group: 'batch', kind: 'jobs' });
}
