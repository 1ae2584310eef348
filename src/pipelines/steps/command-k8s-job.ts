import { createHash } from 'node:crypto';
import type { V1Job } from '@kubernetes/client-node';
import type { StepContext } from '../kinds.js';
import type { CommandRun } from './command.js';

/** The container's name in the pod: its log is read by it. */
export const CONTAINER = 'step';
/** Labels every Job and pod Rouge makes carries, for `kubectl get jobs -l ...` and for adopting a Job Rouge made. */
export const LABELS = { managedBy: 'app.kubernetes.io/managed-by', run: 'rouge.dev/pipeline-run', step: 'rouge.dev/step', try: 'rouge.dev/try', attempt: 'rouge.dev/attempt' } as const;
/**
 * A finished Job the worker never deleted (it died first) is removed by the
 * cluster after an hour: long enough to read its pod's log with kubectl.
 */
const TTL_AFTER_FINISHED_SECONDS = 3600;

/** Who is running which step: what names a Job and what its labels say. */
export type JobKey = Pick<StepContext, 'project' | 'run' | 'step' | 'try' | 'attempt'>;

/**
 * The Job's name for one attempt of one try of a step: the same in every
 * process, so an attempt that runs again after a lost response finds its own
 * Job, and a later attempt can name (and delete) an earlier one's. The hash
 * keeps it a DNS label within 63 characters, as the `job-name` label of its
 * pods must be; the step's name in front keeps it readable.
 */
export function jobName(k: JobKey, attempt = k.attempt): string {
  const hash = createHash('sha256').update(`${k.project}/${k.run}/${k.step}/${k.try}/${attempt}`).digest('hex').slice(0, 12);
  return `rouge-${k.step.slice(0, 40)}-${hash}`;
}

/** The labels of a step attempt's Job and pod. */
export function jobLabels(k: JobKey): Record<string, string> {
  return { [LABELS.managedBy]: 'rouge', [LABELS.run]: k.run, [LABELS.step]: k.step, [LABELS.try]: String(k.try), [LABELS.attempt]: String(k.attempt) };
}

/**
 * The batch/v1 Job of a command step attempt. `backoffLimit: 0` because
 * Rouge's step retries own retrying (with their backoff, counted in the run);
 * the argv is the container's `args`, so no shell reads it and an image's
 * ENTRYPOINT (tini, an entrypoint that ends in `exec "$@"`) still wraps it.
 * The pod must run as a non-root user (the image's numeric USER: the kubelet
 * refuses a root one), with no privilege escalation and no capabilities, as
 * the `restricted` Pod Security Standard asks; its environment is the step's
 * alone (the image's own HOME and PATH stay); it gets no API token unless the
 * step names a service account.
 */
export function jobManifest(k: JobKey, cmd: CommandRun, image: string, timeoutSeconds?: number): V1Job {
  const labels = jobLabels(k);
  const resources = cmd.resources ? {
    ...(cmd.resources.requests ? { requests: quantities(cmd.resources.requests) } : {}),
    ...(cmd.resources.limits ? { limits: quantities(cmd.resources.limits) } : {}),
  } : undefined;
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: jobName(k), labels, annotations: { 'rouge.dev/pipeline-run-name': `projects/${k.project}/pipelineRuns/${k.run}` } },
    spec: {
      backoffLimit: 0,
      ttlSecondsAfterFinished: TTL_AFTER_FINISHED_SECONDS,
      ...(timeoutSeconds ? { activeDeadlineSeconds: timeoutSeconds } : {}),
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          ...(cmd.serviceAccountName ? { serviceAccountName: cmd.serviceAccountName } : { automountServiceAccountToken: false }),
          securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [{
            name: CONTAINER,
            image,
            args: cmd.argv,
            env: Object.entries(cmd.env).map(([name, value]) => ({ name, value })),
            ...(resources ? { resources } : {}),
            securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ['ALL'] } },
          }],
        },
      },
    },
  };
}

function quantities(q: { cpu?: string | number; memory?: string | number }): Record<string, string> {
  return Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));
}
