import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { BatchV1Api, CoreV1Api } from '@kubernetes/client-node';

/** Where a pod finds its service account's token and namespace. */
const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** The settings that say which cluster and namespace run command steps. */
export interface KubeSettings {
  kubeconfig?: string | undefined;
  kubernetesNamespace?: string | undefined;
}

/** The two API groups the executor calls, and where. */
export interface KubeConnection {
  batch: BatchV1Api;
  core: CoreV1Api;
  namespace: string;
  /** The API server's URL, for error messages. */
  server: string;
}

type Source = { kind: 'file'; path: string } | { kind: 'in-cluster' } | { kind: 'default' };

/**
 * Which configuration reaches the cluster, as kubectl picks it but with the
 * pod first: `--kubeconfig`; else the pod's service account (the worker runs
 * in the cluster); else KUBECONFIG or ~/.kube/config. Throws when there is
 * none, instead of the client's silent fallback to http://localhost:8080.
 * Synchronous and offline, so a worker can check it when it starts.
 */
export function kubeSource(s: KubeSettings): Source {
  if (s.kubeconfig) {
    if (!existsSync(s.kubeconfig)) throw new Error(`--kubeconfig ${s.kubeconfig} does not exist`);
    return { kind: 'file', path: s.kubeconfig };
  }
  if (existsSync(join(SERVICE_ACCOUNT_DIR, 'token'))) return { kind: 'in-cluster' };
  if (process.env.KUBECONFIG || existsSync(join(homedir(), '.kube', 'config'))) return { kind: 'default' };
  throw new Error('--command-executor kubernetes needs a cluster: run the worker in a pod (it uses its service account), or set --kubeconfig');
}

/**
 * Loads the configuration and makes the API clients. The client library is
 * imported here, not at the top: it takes a second or two to load, which
 * every process of the default (process) executor would otherwise pay.
 */
export async function connectKube(s: KubeSettings): Promise<KubeConnection> {
  const source = kubeSource(s);
  const { KubeConfig, BatchV1Api, CoreV1Api } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  let podNamespace: string | undefined;
  if (source.kind === 'file') kc.loadFromFile(source.path);
  else if (source.kind === 'default') kc.loadFromDefault();
  else {
    kc.loadFromCluster();
    podNamespace = readFileSync(join(SERVICE_ACCOUNT_DIR, 'namespace'), 'utf8').trim() || undefined;
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error(`the kubeconfig${source.kind === 'file' ? ` ${source.path}` : ''} has no current cluster (current-context)`);
  const contextNamespace = kc.getContextObject(kc.getCurrentContext())?.namespace;
  return {
    batch: kc.makeApiClient(BatchV1Api),
    core: kc.makeApiClient(CoreV1Api),
    namespace: s.kubernetesNamespace ?? podNamespace ?? contextNamespace ?? 'default',
    server: cluster.server,
  };
}
