import { parseJson, type Cache } from '../platform/index.js';
import type { ResolvedVersion, VersionService } from '../registry/index.js';
import type { ArtifactCache } from './artifact-cache.js';
import type { BatchingOptions } from './batcher.js';
import * as errors from './errors.js';
import { loadRequest, runtimeFor, type Runtime } from './runtimes.js';
import type { ServedModel } from './served-model.js';
import type { ServingStore } from './store.js';
import type { DeployedRow, EndpointRow } from './tables.js';
import { routerFor, type Router } from './traffic.js';

/** Signals channel: an endpoint's deployed models or split changed; every inference process reloads it. */
export const SERVING_CHANNEL = 'rouge.serving';

/** What the request path reads for one endpoint: no I/O, one map lookup. */
export interface LiveEndpoint {
  project: string;
  name: string;
  router: Router;
  models: Map<string, ServedModel>;
  samplingRate: number;
}

/** Hooks the runtime calls as it serves, for metrics. */
export interface RuntimeObserver {
  batch(project: string, endpoint: string, deployedModelId: string, rows: number): void;
}

/**
 * The inference role's view of every endpoint: loaded sessions and a router per
 * endpoint. A change (deploy, split, undeploy) is applied by loading and
 * warming any new model first and swapping the endpoint's entry in one
 * assignment afterwards, so no request ever meets a model that is not ready;
 * models that left are released a few seconds later, after in-flight calls.
 */
export class ServingRuntime {
  private readonly live = new Map<string, LiveEndpoint>();
  private readonly loading = new Map<string, Promise<void>>();
  private readonly preloaded = new Map<string, ServedModel>();
  private loaded = false;
  private unsubscribe: (() => Promise<void>) | undefined;

  constructor(
    private readonly store: ServingStore,
    private readonly versions: VersionService,
    private readonly artifacts: ArtifactCache,
    private readonly observer: RuntimeObserver,
    /** Runtimes other modules contributed (RUNTIMES); read at each load. */
    private readonly runtimes: () => readonly Runtime[] = () => [],
  ) {}

  /** True when a runtime in this app serves the framework: deploys of anything else are refused up front. */
  serves(framework: string): boolean {
    return runtimeFor(framework, this.runtimes()) !== undefined;
  }

  /** Loads every endpoint and listens for changes; /readyz waits for this. */
  async start(signals: Cache): Promise<void> {
    this.unsubscribe = await signals.subscribe(SERVING_CHANNEL, (message) => {
      const { project, endpoint } = JSON.parse(message) as { project: string; endpoint: string };
      void this.refresh(project, endpoint).catch(() => undefined);
    });
    for (const e of await this.store.allEndpoints()) await this.refresh(e.project, e.name).catch(() => undefined);
    this.loaded = true;
  }

  isReady(): boolean {
    return this.loaded;
  }

  /** The endpoint as currently served, loading it on first use (a missed signal costs one read). */
  async endpoint(project: string, name: string): Promise<LiveEndpoint> {
    const key = `${project}/${name}`;
    let e = this.live.get(key);
    if (!e) {
      await this.refresh(project, name);
      e = this.live.get(key);
    }
    if (!e) throw errors.ENDPOINT_NOT_FOUND({ endpoint: `projects/${project}/endpoints/${name}` });
    return e;
  }

  /** Loads a deployed model (used by the deploy job to prove it loads, and kept for the swap). */
  async load(project: string, endpoint: string, row: DeployedRow, version: ResolvedVersion): Promise<ServedModel> {
    const model = await this.build(project, endpoint, row, version);
    try {
      await model.warm();
    } catch (e) {
      await model.release().catch(() => undefined);
      throw e;
    }
    return model;
  }

  /** Hands a model loaded by the deploy job to the next refresh, so this process does not load it twice. */
  adopt(project: string, endpoint: string, model: ServedModel): void {
    this.preloaded.set(`${project}/${endpoint}/${model.deployedModelId}`, model);
  }

  private async build(project: string, endpoint: string, row: DeployedRow, version: ResolvedVersion): Promise<ServedModel> {
    const model = `projects/${project}/models/${row.model}`;
    const runtime = runtimeFor(version.framework, this.runtimes());
    if (!runtime) throw errors.MODEL_NOT_SERVABLE({ model, framework: version.framework });
    const request = loadRequest({
      project, endpoint, deployedModelId: row.id, model, versionId: String(row.version), displayName: row.display_name,
      batching: parseJson<BatchingOptions | null>(row.batching, null),
      localArtifact: () => this.artifacts.ensureLocal(version),
      observeBatch: (rows) => this.observer.batch(project, endpoint, row.id, rows),
    }, version);
    return runtime.load(request);
  }

  /** Re-reads one endpoint and swaps in its new state; concurrent calls for one endpoint share one load. */
  refresh(project: string, name: string): Promise<void> {
    const key = `${project}/${name}`;
    const running = this.loading.get(key);
    if (running) return running.then(() => this.refresh(project, name));
    const p = this.reload(project, name).finally(() => this.loading.delete(key));
    this.loading.set(key, p);
    return p;
  }

  private async reload(project: string, name: string): Promise<void> {
    const key = `${project}/${name}`;
    const row: EndpointRow | undefined = await this.store.getEndpoint(project, name);
    const before = this.live.get(key);
    if (!row) {
      this.live.delete(key);
      if (before) this.releaseLater([...before.models.values()]);
      return;
    }
    const ready = (await this.store.deployedOn(project, name)).filter((d) => d.state === 'ready');
    const models = new Map<string, ServedModel>();
    for (const d of ready) {
      const existing = before?.models.get(d.id) ?? this.preloaded.get(`${key}/${d.id}`);
      this.preloaded.delete(`${key}/${d.id}`);
      if (existing) {
        models.set(d.id, existing);
        continue;
      }
      try {
        models.set(d.id, await this.load(project, name, d, await this.versions.resolveVersion(project, d.model, String(d.version))));
      } catch {
        // A model that no longer loads here gets no traffic from this process; the others keep serving.
      }
    }
    const split = parseJson<Record<string, number>>(row.traffic_split, {});
    const routable = Object.fromEntries(Object.entries(split).filter(([id]) => models.has(id)));
    const logging = parseJson<{ samplingRate?: number }>(row.request_logging, {});
    this.live.set(key, { project, name, router: routerFor(routable), models, samplingRate: logging.samplingRate ?? 0 });
    if (before) this.releaseLater([...before.models.values()].filter((m) => !models.has(m.deployedModelId)));
  }

  private releaseLater(models: ServedModel[]): void {
    if (models.length === 0) return;
    const t = setTimeout(() => {
      for (const m of models) void m.release().catch(() => undefined);
    }, 5000);
    t.unref();
  }

  async close(): Promise<void> {
    await this.unsubscribe?.().catch(() => undefined);
    for (const e of this.live.values()) for (const m of e.models.values()) await m.release().catch(() => undefined);
    for (const m of this.preloaded.values()) await m.release().catch(() => undefined);
    this.live.clear();
  }
}
