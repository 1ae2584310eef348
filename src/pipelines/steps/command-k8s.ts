import { setTimeout as sleep } from 'node:timers/promises';
import type { V1Job, V1Pod } from '@kubernetes/client-node';
import type { StepContext } from '../kinds.js';
import type { CommandExecutor, CommandRun } from './command.js';
import type { CommandOutput } from './command-output.js';
import type { KubeConnection } from './command-k8s-config.js';
import { CONTAINER, jobManifest, jobName } from './command-k8s-job.js';

/** A pod log larger than this is cut: it is read whole into memory and then into the step's log. */
const LOG_LIMIT_BYTES = 8 * 1024 * 1024;
/** Failed reads in a row (a restarting API server, a network blip) that polling rides out before it fails the step. */
const TRANSIENT_ERRORS = 5;
/**
 * Waiting reasons a pod does not recover from by itself: with backoffLimit 0
 * and no deadline, its Job would stay active for ever, so the step fails now
 * with the kubelet's message (a root image under runAsNonRoot, a bad image name).
 */
const STUCK = new Set(['ImagePullBackOff', 'InvalidImageName', 'CreateContainerConfigError', 'CreateContainerError']);

export interface KubernetesExecutorOptions {
  /** The image of a step whose `with.image` names none (--kubernetes-image). */
  image?: string | undefined;
  /** The first wait before reading the Job's status; it doubles up to `maxPollMs`, so a short Job ends soon and a long one costs few calls. */
  pollMs?: number;
  maxPollMs?: number;
}

/**
 * Runs each attempt of a command step as a batch/v1 Job (see `jobManifest`)
 * and waits for it by reading its status, then copies its pod's log into the
 * step's log (where `rouge-output:` lines become outputs, as for a process)
 * and deletes it. Every way out deletes the Job: success, failure, an API
 * error after it was made, and the step's signal (cancel, timeout, a lost
 * lease), so a cancelled run leaves nothing running on the cluster.
 */
export class KubernetesExecutor implements CommandExecutor {
  readonly name = 'kubernetes';
  private connection: Promise<KubeConnection> | undefined;
  private readonly pollMs: number;
  private readonly maxPollMs: number;

  constructor(private readonly connect: () => Promise<KubeConnection>, private readonly options: KubernetesExecutorOptions = {}) {
    this.pollMs = options.pollMs ?? 250;
    this.maxPollMs = options.maxPollMs ?? 5000;
  }

  async run(cmd: CommandRun, ctx: StepContext, output: CommandOutput): Promise<{ exitCode: number }> {
    const image = cmd.image ?? this.options.image;
    if (!image) throw new Error('a command step on Kubernetes needs an image: give it with.image, or start the worker with --kubernetes-image');
    // A failed connect is not cached: the next attempt loads the configuration again.
    const k = await (this.connection ??= this.connect().catch((e: unknown) => {
      this.connection = undefined;
      throw e;
    }));
    const name = jobName(ctx);
    // The Job of an earlier attempt is still there when its worker died mid-step: two copies of a step must not run at once.
    for (let a = 1; a < ctx.attempt; a++) await this.remove(k, jobName(ctx, a), ctx, `left by attempt ${a}`);
    let made = false;
    try {
      made = await this.create(k, jobManifest(ctx, cmd, image, ctx.timeoutSeconds), ctx);
      const job = await this.wait(k, name, ctx);
      const failed = job.status?.conditions?.find((c) => c.type === 'Failed' && c.status === 'True');
      const exitCode = await this.readLogs(k, name, output, ctx, !failed);
      if (failed) throw new Error(`the Job ${name} failed${exitCode === undefined ? '' : ` (its container exited with ${exitCode})`}: ${failed.reason ?? 'Failed'}: ${failed.message ?? ''}`.trim());
      return { exitCode: exitCode ?? 0 };
    } finally {
      if (made) await this.remove(k, name, ctx, '');
    }
  }

  /** Makes the Job; one of the same name made by this attempt already (a response lost on the way back) is taken as made. Says whether a Job now exists. */
  private async create(k: KubeConnection, body: V1Job, ctx: StepContext): Promise<boolean> {
    const name = body.metadata!.name!;
    try {
      await k.batch.createNamespacedJob({ namespace: k.namespace, body });
      await ctx.log(`Kubernetes Job ${name} created in namespace ${k.namespace} (image ${body.spec!.template.spec!.containers[0]!.image})`);
      return true;
    } catch (e) {
      const code = statusCode(e);
      if (code === undefined) {
        // Without an answer the Job may exist: deleting it is the safe side (the step's retry makes it again).
        await this.remove(k, name, ctx, '');
        throw kubeError(e, `create the Job ${name}`, k);
      }
      if (code !== 409) throw kubeError(e, `create the Job ${name}`, k);
    }
    const existing = await k.batch.readNamespacedJob({ name, namespace: k.namespace }).catch((e: unknown) => Promise.reject(kubeError(e, `read the Job ${name}`, k)));
    const labels = existing.metadata?.labels ?? {};
    const ours = Object.entries(body.metadata!.labels!).every(([key, v]) => labels[key] === v);
    if (!ours) throw new Error(`a Job named ${name} that this step did not make exists in namespace ${k.namespace}: delete it, or run Rouge's Jobs in a namespace of their own`);
    await ctx.log(`Kubernetes Job ${name} already exists (made by this attempt): waiting for it`);
    return true;
  }

  /** Reads the Job until it is Complete or Failed; throws when the step's signal aborts it, the Job vanishes or its pod cannot start. */
  private async wait(k: KubeConnection, name: string, ctx: StepContext): Promise<V1Job> {
    let delay = this.pollMs;
    let errors = 0;
    for (;;) {
      await sleep(delay, undefined, { signal: ctx.signal });
      delay = Math.min(delay * 2, this.maxPollMs);
      let job: V1Job;
      let pods: V1Pod[];
      try {
        job = await k.batch.readNamespacedJob({ name, namespace: k.namespace });
        if (job.status?.conditions?.some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True')) return job;
        pods = (await k.core.listNamespacedPod({ namespace: k.namespace, labelSelector: `job-name=${name}` })).items;
        errors = 0;
      } catch (e) {
        const code = statusCode(e);
        if (code === 404) throw new Error(`the Job ${name} is gone from namespace ${k.namespace} before it ended (deleted outside Rouge?)`);
        if ((code === undefined || code >= 500 || code === 429) && ++errors <= TRANSIENT_ERRORS) continue;
        throw kubeError(e, `read the Job ${name}`, k);
      }
      for (const pod of pods) {
        const waiting = pod.status?.containerStatuses?.find((c) => c.name === CONTAINER)?.state?.waiting;
        if (waiting?.reason && STUCK.has(waiting.reason)) throw new Error(`the pod ${pod.metadata?.name} of Job ${name} cannot start: ${waiting.reason}: ${waiting.message ?? ''}`.trim());
      }
    }
  }

  /**
   * Copies the Job's pod log into the step's log, and returns its container's
   * exit code. A log that cannot be read fails a Job that succeeded (its
   * outputs would be lost) and is only noted for one that failed.
   */
  private async readLogs(k: KubeConnection, name: string, output: CommandOutput, ctx: StepContext, mustRead: boolean): Promise<number | undefined> {
    let exitCode: number | undefined;
    try {
      const pods = (await k.core.listNamespacedPod({ namespace: k.namespace, labelSelector: `job-name=${name}` })).items
        .sort((a, b) => (a.metadata?.creationTimestamp?.getTime() ?? 0) - (b.metadata?.creationTimestamp?.getTime() ?? 0));
      if (pods.length === 0) await ctx.log(`the Job ${name} made no pod, so there is no log`);
      for (const pod of pods) {
        const log = await k.core.readNamespacedPodLog({ name: pod.metadata!.name!, namespace: k.namespace, container: CONTAINER, limitBytes: LOG_LIMIT_BYTES });
        await output.text(log);
        if (Buffer.byteLength(log) >= LOG_LIMIT_BYTES) await ctx.log(`the pod's log was cut at ${LOG_LIMIT_BYTES} bytes`);
        exitCode = pod.status?.containerStatuses?.find((c) => c.name === CONTAINER)?.state?.terminated?.exitCode ?? exitCode;
      }
    } catch (e) {
      const err = kubeError(e, `read the log of the Job ${name}'s pod`, k);
      if (mustRead) throw err;
      await ctx.log(err.message);
    }
    return exitCode;
  }

  /** Deletes a Job and, in the background, its pods; one already gone is fine. Never throws: the Job's TTL is the backstop. */
  private async remove(k: KubeConnection, name: string, ctx: StepContext, which: string): Promise<void> {
    try {
      await k.batch.deleteNamespacedJob({ name, namespace: k.namespace, propagationPolicy: 'Background' });
      await ctx.log(`Kubernetes Job ${name} ${which ? `${which} ` : ''}deleted`);
    } catch (e) {
      if (statusCode(e) !== 404) await ctx.log(`${kubeError(e, `delete the Job ${name}`, k).message} (the cluster removes it an hour after it ends)`);
    }
  }
}

/** The HTTP status of an API error (the client's ApiException), or undefined when no answer came. */
function statusCode(e: unknown): number | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/**
 * An API error as a step error: the Status object the API server answers
 * with (`{"kind": "Status", "reason": "Forbidden", "message": ...}`) says
 * what went wrong better than the client's own message, which is the whole
 * response dumped.
 */
export function kubeError(e: unknown, doing: string, k: Pick<KubeConnection, 'server' | 'namespace'>): Error {
  const code = statusCode(e);
  if (code === undefined) return new Error(`cannot reach the Kubernetes API at ${k.server} to ${doing}: ${(e as Error)?.message ?? String(e)}`);
  let status: { reason?: string; message?: string } = {};
  const body = (e as { body?: unknown }).body;
  try {
    status = typeof body === 'string' ? JSON.parse(body) : (body as typeof status) ?? {};
  } catch {
    status = { message: String(body).slice(0, 300) };
  }
  return new Error(`Kubernetes refused to ${doing} in namespace ${k.namespace}: ${code} ${status.reason ?? ''}: ${status.message ?? 'no message'}`.replace(/ {2}/g, ' '));
}
