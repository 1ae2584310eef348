import { randomInt } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Cache, EventOutbox, Jobs, Operation, PageRequest, ProjectHold } from '../platform/index.js';
import { cutPage, nowIso, parseJson } from '../platform/index.js';
import { parseModelRef, type VersionService } from '../registry/index.js';
import type { BatchingOptions } from './batcher.js';
import * as errors from './errors.js';
import { SERVING_CHANNEL } from './runtime.js';
import type { ServingStore } from './store.js';
import type { DeployedRow, EndpointRow } from './tables.js';
import { checkSplit } from './traffic.js';
import type { Transaction } from 'kysely';
import type { ServingTables } from './tables.js';

export interface DeployedModelView {
  id: string;
  model: string;
  modelVersionId: string;
  displayName: string;
  state: string;
  error?: string;
  batching?: BatchingOptions;
  createTime: string;
}

export interface EndpointView {
  name: string;
  endpointId: string;
  displayName: string;
  labels: Record<string, string>;
  deployedModels: DeployedModelView[];
  trafficSplit: Record<string, number>;
  requestLogging: { samplingRate: number };
  createTime: string;
  updateTime: string;
}

export const DEPLOY_JOB = 'serving.deploy';

export function toDeployed(d: DeployedRow): DeployedModelView {
  const batching = parseJson<BatchingOptions | null>(d.batching, null);
  return {
    id: d.id, model: `projects/${d.project}/models/${d.model}`, modelVersionId: String(d.version), displayName: d.display_name,
    state: d.state.toUpperCase(), ...(d.error ? { error: d.error } : {}), ...(batching ? { batching } : {}), createTime: d.create_time,
  };
}

function toEndpoint(e: EndpointRow, deployed: DeployedRow[]): EndpointView {
  return {
    name: `projects/${e.project}/endpoints/${e.name}`, endpointId: e.name, displayName: e.display_name,
    labels: parseJson(e.labels, {}), deployedModels: deployed.map(toDeployed), trafficSplit: parseJson(e.traffic_split, {}),
    requestLogging: parseJson(e.request_logging, { samplingRate: 0 }), createTime: e.create_time, updateTime: e.update_time,
  };
}

/**
 * Endpoints after Vertex AI: deployed models with a traffic split that sums to
 * 100 (or is empty). Deploying is an Operation run by the worker role, which
 * proves the model loads and warms before the split moves; every change is
 * signalled so each inference process reloads the endpoint.
 */
export class EndpointService {
  constructor(
    private readonly store: ServingStore,
    private readonly versions: VersionService,
    private readonly jobs: Jobs,
    private readonly outbox: EventOutbox,
    private readonly signals: Cache,
    /** Checks and holds the endpoint's project inside the transaction that creates it. */
    private readonly hold: ProjectHold,
    /** True when some runtime of this app serves the framework. */
    private readonly serves: (framework: string) => boolean = (f) => f === 'onnx' || f === 'http',
  ) {}

  /**
   * Marks FAILED the deployed models whose deploy will never finish: their
   * job ended without a result (its worker was killed and the one attempt a
   * deploy gets is spent) or never existed. Models still loading under a
   * queued or running job are left alone, and so are rows younger than
   * `graceMs` (a deploy writes its row just before it enqueues its job).
   */
  async failAbandonedDeploys(graceMs: number): Promise<number> {
    const open = new Set((await this.jobs.openPayloads([DEPLOY_JOB])).map((p) => (p as { deployedModelId?: string }).deployedModelId));
    let failed = 0;
    for (const d of await this.store.deployingBefore(new Date(Date.now() - graceMs).toISOString())) {
      if (open.has(d.id)) continue;
      await this.store.setDeployedState(d.project, d.endpoint, d.id, 'failed', 'the deploy did not finish: the process loading the model stopped (deploy it again)');
      this.announce(d.project, d.endpoint);
      failed++;
    }
    return failed;
  }

  /** Tells every inference process to reload the endpoint. */
  announce(project: string, endpoint: string): void {
    void this.signals.publish(SERVING_CHANNEL, JSON.stringify({ project, endpoint })).catch(() => undefined);
  }

  async create(project: string, input: { name: string; displayName?: string; labels?: Record<string, string>; requestLogging?: { samplingRate: number } }): Promise<EndpointView> {
    const now = nowIso();
    const row: EndpointRow = {
      project, name: input.name, display_name: input.displayName ?? input.name, labels: JSON.stringify(input.labels ?? {}),
      request_logging: JSON.stringify({ samplingRate: input.requestLogging?.samplingRate ?? 0 }), traffic_split: '{}', create_time: now, update_time: now,
    };
    // One transaction for the hold and the insert: a concurrent project delete
    // either waits and counts this endpoint or commits first and fails the hold.
    await this.outbox.transaction(async (trx: Transaction<ServingTables>) => {
      await this.hold(project, trx);
      if (!(await this.store.insertEndpoint(row, trx))) throw errors.ENDPOINT_ALREADY_EXISTS({ endpoint: `projects/${project}/endpoints/${input.name}` });
    });
    return toEndpoint(row, []);
  }

  async get(project: string, name: string): Promise<EndpointView> {
    const e = await this.store.getEndpoint(project, name);
    if (!e) throw errors.ENDPOINT_NOT_FOUND({ endpoint: `projects/${project}/endpoints/${name}` });
    return toEndpoint(e, await this.store.deployedOn(project, name));
  }

  async list(project: string, page: PageRequest): Promise<{ endpoints: EndpointView[]; nextPageToken?: string }> {
    const { items, nextPageToken } = cutPage(await this.store.listEndpoints(project, page.pageSize + 1, page.after?.[0]), page.pageSize, (r) => [r.name]);
    const endpoints = await Promise.all(items.map(async (e) => toEndpoint(e, await this.store.deployedOn(project, e.name))));
    return { endpoints, ...(nextPageToken ? { nextPageToken } : {}) };
  }

  async delete(project: string, name: string): Promise<void> {
    await this.get(project, name);
    if ((await this.store.deployedOn(project, name)).some((d) => d.state !== 'failed')) throw errors.ENDPOINT_NOT_EMPTY({ endpoint: `projects/${project}/endpoints/${name}` });
    await this.outbox.transaction(async (trx: Transaction<ServingTables>) => {
      for (const d of await this.store.deployedOn(project, name, trx)) await this.store.deleteDeployed(project, name, d.id, trx);
      await this.store.deleteEndpoint(project, name, trx);
    });
    this.announce(project, name);
  }

  /**
   * Resolves the model reference now (an alias is fixed at deploy, as in
   * Vertex), records the deployed model as DEPLOYING and enqueues the load.
   */
  async deployModel(project: string, endpoint: string, input: { model: string; displayName?: string; batching?: BatchingOptions }, trafficSplit: Record<string, number>, createdBy?: string): Promise<Operation> {
    const current = await this.get(project, endpoint);
    const { model, ref } = parseModelRef(input.model);
    const version = await this.versions.resolveVersion(project, model, 'version' in ref ? String(ref.version) : ref.alias);
    if (!this.serves(version.framework)) throw errors.MODEL_NOT_SERVABLE({ model: `projects/${project}/models/${model}`, framework: version.framework });
    const ready = new Set(current.deployedModels.filter((d) => d.state === 'READY').map((d) => d.id));
    checkSplit(trafficSplit, ready, true);
    let row: DeployedRow | undefined;
    for (let attempt = 0; attempt < 5 && !row; attempt++) {
      const candidate: DeployedRow = {
        project, endpoint, id: String(randomInt(1_000_000_000, 9_999_999_999)), model, version: version.version,
        display_name: input.displayName ?? `${model}@${version.version}`, batching: input.batching ? JSON.stringify(input.batching) : null,
        state: 'deploying', error: null, create_time: nowIso(),
      };
      if (await this.store.insertDeployed(candidate)) row = candidate;
    }
    if (!row) throw new Error('could not allocate a deployed model id');
    return this.jobs.enqueue(project, DEPLOY_JOB, { endpoint, deployedModelId: row.id, trafficSplit }, { maxAttempts: 1, ...(createdBy ? { createdBy } : {}) });
  }

  async undeployModel(project: string, endpoint: string, deployedModelId: string, trafficSplit: Record<string, number> | undefined): Promise<EndpointView> {
    await this.outbox.transaction(async (db: Transaction<ServingTables>, emit) => {
      const e = await this.store.getEndpoint(project, endpoint, db, true);
      if (!e) throw errors.ENDPOINT_NOT_FOUND({ endpoint: `projects/${project}/endpoints/${endpoint}` });
      const deployed = await this.store.deployedOn(project, endpoint, db);
      if (!deployed.some((d) => d.id === deployedModelId)) throw errors.DEPLOYED_MODEL_NOT_FOUND({ id: deployedModelId, endpoint: `projects/${project}/endpoints/${endpoint}` });
      let split = trafficSplit;
      if (split === undefined) {
        const current = parseJson<Record<string, number>>(e.traffic_split, {});
        const { [deployedModelId]: removed = 0, ...rest } = current;
        // Without a new split, a model with traffic may go only when it is the last one deployed
        // (Vertex refuses the same): otherwise removing it would leave the others at 0% and every
        // prediction failing, which no caller means by "undeploy".
        const others = deployed.filter((d) => d.id !== deployedModelId && d.state === 'ready').map((d) => d.id);
        if (removed > 0 && others.length > 0) {
          throw errors.TRAFFIC_SPLIT_INVALID({ why: `deployed model ${deployedModelId} has ${removed}% of the traffic; send the trafficSplit the endpoint should use without it, e.g. {"${others[0]}": 100}` });
        }
        split = removed > 0 ? {} : rest;
      }
      checkSplit(split, new Set(deployed.filter((d) => d.state === 'ready' && d.id !== deployedModelId).map((d) => d.id)), false);
      await this.store.deleteDeployed(project, endpoint, deployedModelId, db);
      await this.store.setSplit(project, endpoint, split, nowIso(), db);
      emit(project, { type: 'rouge.endpoint.undeployed', subject: `endpoints/${endpoint}`, data: { endpoint: `projects/${project}/endpoints/${endpoint}`, deployedModelId } });
    });
    this.announce(project, endpoint);
    return this.get(project, endpoint);
  }

  async updateSplit(project: string, endpoint: string, split: Record<string, number>): Promise<EndpointView> {
    await this.outbox.transaction(async (db: Transaction<ServingTables>, emit) => {
      const e = await this.store.getEndpoint(project, endpoint, db, true);
      if (!e) throw errors.ENDPOINT_NOT_FOUND({ endpoint: `projects/${project}/endpoints/${endpoint}` });
      const ready = (await this.store.deployedOn(project, endpoint, db)).filter((d) => d.state === 'ready').map((d) => d.id);
      checkSplit(split, new Set(ready), false);
      await this.store.setSplit(project, endpoint, split, nowIso(), db);
      emit(project, { type: 'rouge.endpoint.split.updated', subject: `endpoints/${endpoint}`, data: { endpoint: `projects/${project}/endpoints/${endpoint}`, trafficSplit: split } });
    });
    this.announce(project, endpoint);
    return this.get(project, endpoint);
  }

  /** Endpoints in the project, counted through `db` (the deleting transaction) when given. */
  count(project: string, db?: Kysely<any>): Promise<number> {
    return this.store.countEndpoints(project, db);
  }
}
