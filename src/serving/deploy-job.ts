import type { EventOutbox, JobContext } from '../platform/index.js';
import { nowIso } from '../platform/index.js';
import type { VersionService } from '../registry/index.js';
import * as errors from './errors.js';
import type { ServingRuntime } from './runtime.js';
import { toDeployed, type EndpointService } from './service.js';
import type { ServingStore } from './store.js';
import { checkSplit } from './traffic.js';
import type { Transaction } from 'kysely';
import type { ServingTables } from './tables.js';

interface DeployPayload {
  endpoint: string;
  deployedModelId: string;
  trafficSplit: Record<string, number>;
}

/**
 * The `serving.deploy` job: load and warm the model (here, in the worker), and
 * only then, in one transaction that locks the endpoint, mark it READY and
 * apply the split with "0" replaced by its id. Deploys racing on one endpoint
 * serialise on that lock; one whose split no longer fits fails cleanly. A model
 * that fails to load ends FAILED with the traffic unchanged.
 */
export function deployHandler(deps: { store: ServingStore; versions: VersionService; runtime: ServingRuntime; outbox: EventOutbox; endpoints: EndpointService; servesTraffic: boolean }) {
  return async (payload: DeployPayload, ctx: JobContext): Promise<unknown> => {
    const { project } = ctx;
    const { endpoint, deployedModelId } = payload;
    const row = await deps.store.getDeployed(project, endpoint, deployedModelId);
    if (!row) throw errors.DEPLOYED_MODEL_NOT_FOUND({ id: deployedModelId, endpoint: `projects/${project}/endpoints/${endpoint}` });
    await ctx.progress({ message: `loading ${row.model}@${row.version}` });
    let model;
    try {
      model = await deps.runtime.load(project, endpoint, row, await deps.versions.resolveVersion(project, row.model, String(row.version)));
    } catch (e) {
      const why = (e as Error).message ?? String(e);
      await deps.store.setDeployedState(project, endpoint, deployedModelId, 'failed', why);
      throw errors.DEPLOY_FAILED({ why });
    }
    const split = Object.fromEntries(Object.entries(payload.trafficSplit).map(([id, pct]) => [id === '0' ? deployedModelId : id, pct]));
    try {
      await deps.outbox.transaction(async (db: Transaction<ServingTables>, emit) => {
        const e = await deps.store.getEndpoint(project, endpoint, db, true);
        if (!e) throw errors.ENDPOINT_NOT_FOUND({ endpoint: `projects/${project}/endpoints/${endpoint}` });
        const ready = (await deps.store.deployedOn(project, endpoint, db)).filter((d) => d.state === 'ready').map((d) => d.id);
        checkSplit(split, new Set([...ready, deployedModelId]), false);
        await deps.store.setDeployedState(project, endpoint, deployedModelId, 'ready', null, db);
        if (Object.keys(split).length > 0) await deps.store.setSplit(project, endpoint, split, nowIso(), db);
        emit(project, { type: 'rouge.endpoint.deployed', subject: `endpoints/${endpoint}`, data: { endpoint: `projects/${project}/endpoints/${endpoint}`, deployedModelId, model: `projects/${project}/models/${row.model}`, modelVersionId: String(row.version), trafficSplit: split } });
      });
    } catch (e) {
      await model.release().catch(() => undefined);
      await deps.store.setDeployedState(project, endpoint, deployedModelId, 'failed', (e as Error).message);
      throw e;
    }
    // An inference process keeps the loaded session; a worker-only process just proved it loads.
    if (deps.servesTraffic) {
      deps.runtime.adopt(project, endpoint, model);
      await deps.runtime.refresh(project, endpoint);
    } else {
      await model.release();
    }
    deps.endpoints.announce(project, endpoint);
    return toDeployed({ ...row, state: 'ready' });
  };
}
