import { projectPath } from '../../api/client';
import { useSession } from '../../shell/project';
import type { Endpoint } from './types';
import { useListAll } from './use-list';

/** Where a version is deployed: the endpoint, the deployed model and its share of the traffic. */
export interface Deployment {
  endpoint: string;
  deployedModelId: string;
  percent: number;
  state: string;
}

/**
 * The endpoints each version of `model` is deployed on, by version id. Empty
 * when the deployment runs no serving module, or the key may not list
 * endpoints: the registry pages work without it.
 */
export function useDeployments(project: string, model: string): Map<string, Deployment[]> {
  const { modules } = useSession();
  const { items } = useListAll<Endpoint>(modules.has('serving') ? `${projectPath(project, 'endpoints')}?pageSize=200` : null, 'endpoints');
  const byVersion = new Map<string, Deployment[]>();
  const name = `projects/${project}/models/${model}`;
  for (const e of items ?? []) {
    for (const d of e.deployedModels) {
      if (d.model !== name) continue;
      const list = byVersion.get(d.modelVersionId) ?? [];
      list.push({ endpoint: e.endpointId, deployedModelId: d.id, percent: e.trafficSplit[d.id] ?? 0, state: d.state });
      byVersion.set(d.modelVersionId, list);
    }
  }
  return byVersion;
}
