import type { Config } from '../../platform/index.js';
import type { CommandExecutor } from './command.js';
import { connectKube, kubeSource } from './command-k8s-config.js';
import { KubernetesExecutor } from './command-k8s.js';
import { ProcessExecutor } from './command-process.js';

type ExecutorSettings = Pick<Config, 'commandExecutor' | 'kubeconfig' | 'kubernetesNamespace' | 'kubernetesImage'>;

/**
 * The executor of command steps `--command-executor` names. A worker checks
 * that it can find a cluster configuration when it starts (a missing
 * kubeconfig stops it there, not at its first step); the API role only
 * validates pipelines and never connects.
 */
export function commandExecutor(config: ExecutorSettings, worker: boolean): CommandExecutor {
  if (config.commandExecutor !== 'kubernetes') return new ProcessExecutor();
  if (worker) kubeSource(config);
  return new KubernetesExecutor(() => connectKube(config), { image: config.kubernetesImage });
}
