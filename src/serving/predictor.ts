import type { IncomingHttpHeaders } from 'node:http';
import { RougeError } from '../platform/index.js';
import * as errors from './errors.js';
import type { RequestLogger } from './request-log.js';
import type { ServingRuntime } from './runtime.js';
import type { OipRequest, OipTensor, ServedModel } from './served-model.js';
import type { ModelMetrics, ServingMetrics } from './serving-metrics.js';

/** What the predictor reads of a request: its id (for request logs) and headers (the routing key). */
export interface PredictRequest {
  id: unknown;
  headers: IncomingHttpHeaders;
}

/**
 * The request path both protocols share: pick a deployed model by the split
 * (sticky with X-Rouge-Routing-Key), call it, count it, and maybe log it.
 * Everything here is in memory: the store is not touched per request.
 */
export class Predictor {
  constructor(private readonly runtime: ServingRuntime, private readonly metrics: ServingMetrics, private readonly logger: RequestLogger) {}

  /**
   * The deployed model a request goes to: the one named, or one drawn from the
   * split. A request no model can take (NO_TRAFFIC, an unknown deployed model)
   * is counted under `deployed_model=""`; an unknown endpoint is not counted,
   * as its name is whatever the caller sent and would grow the label set.
   */
  private async pick(project: string, endpoint: string, request: PredictRequest, protocol: Protocol, deployedModelId?: string): Promise<{ model: ServedModel; samplingRate: number }> {
    const live = await this.runtime.endpoint(project, endpoint);
    let model: ServedModel | undefined;
    if (deployedModelId !== undefined) model = live.models.get(deployedModelId);
    else {
      const key = request.headers['x-rouge-routing-key'];
      const id = live.router.pick(typeof key === 'string' ? key : undefined);
      model = id === undefined ? undefined : live.models.get(id);
    }
    if (model) return { model, samplingRate: live.samplingRate };
    const name = `projects/${project}/endpoints/${endpoint}`;
    const err = deployedModelId !== undefined ? errors.DEPLOYED_MODEL_NOT_FOUND({ id: deployedModelId, endpoint: name }) : errors.NO_TRAFFIC({ endpoint: name });
    this.metrics.requests.labels(`${project}.${endpoint}`, '', protocol, err.reason).inc();
    throw err;
  }

  async predict(project: string, endpoint: string, request: PredictRequest, instances: unknown[], parameters: unknown) {
    const started = performance.now();
    const { model, samplingRate } = await this.pick(project, endpoint, request, 'vertex');
    const predictions = await this.observe(project, endpoint, model, 'vertex', started, () => model.predict(instances, parameters));
    const response = { predictions, deployedModelId: model.deployedModelId, model: model.model, modelVersionId: model.versionId, modelDisplayName: model.displayName };
    this.logger.record(samplingRate, project, endpoint, () => ({
      time: new Date().toISOString(), requestId: String(request.id), endpoint: `projects/${project}/endpoints/${endpoint}`, deployedModelId: model.deployedModelId,
      modelVersionId: model.versionId, protocol: 'vertex', latencyMs: performance.now() - started, request: { instances, parameters }, response: { predictions },
    }));
    return response;
  }

  async infer(project: string, endpoint: string, request: PredictRequest, body: OipRequest, deployedModelId?: string): Promise<{ model: ServedModel; outputs: OipTensor[] }> {
    const started = performance.now();
    const { model, samplingRate } = await this.pick(project, endpoint, request, 'oip', deployedModelId);
    const outputs = await this.observe(project, endpoint, model, 'oip', started, () => model.infer(body));
    this.logger.record(samplingRate, project, endpoint, () => ({
      time: new Date().toISOString(), requestId: String(request.id), endpoint: `projects/${project}/endpoints/${endpoint}`, deployedModelId: model.deployedModelId,
      modelVersionId: model.versionId, protocol: 'oip', latencyMs: performance.now() - started, request: body, response: { outputs },
    }));
    return { model, outputs };
  }

  /**
   * :rawPredict to a custom server: its answer goes back as it is, and a non-2xx
   * answer counts as UPSTREAM_ERROR. Undefined when the model is in-process
   * (the route then answers the body as a Vertex :predict).
   */
  async rawPredict(project: string, endpoint: string, request: PredictRequest, body: Buffer, contentType: string): Promise<{ model: ServedModel; answer?: { status: number; contentType: string; body: Buffer } }> {
    const started = performance.now();
    const { model } = await this.pick(project, endpoint, request, 'raw');
    if (!model.rawPredict) return { model };
    const answer = await this.observe(project, endpoint, model, 'raw', started, () => model.rawPredict!(body, contentType), (res) =>
      res.status < 200 || res.status >= 300 ? 'UPSTREAM_ERROR' : undefined);
    return { model, answer };
  }

  /** Per served model object (a redeploy makes a new one), its metric children for each protocol. */
  private readonly children = new WeakMap<ServedModel, Partial<Record<Protocol, ModelMetrics>>>();

  /** Runs a call and counts it; `failure` names the reason of a result that is returned but is not a success (a raw non-2xx). */
  private async observe<T>(project: string, endpoint: string, model: ServedModel, protocol: Protocol, started: number, run: () => Promise<T>, failure?: (result: T) => string | undefined): Promise<T> {
    let byProtocol = this.children.get(model);
    if (!byProtocol) this.children.set(model, (byProtocol = {}));
    const m = (byProtocol[protocol] ??= this.metrics.forModel(`${project}.${endpoint}`, model.deployedModelId, protocol));
    let result: T;
    try {
      result = await run();
    } catch (e) {
      m.failed(e instanceof RougeError ? e.reason : 'INTERNAL').inc();
      throw e;
    }
    const reason = failure?.(result);
    if (reason) m.failed(reason).inc();
    else {
      m.ok.inc();
      m.latency.observe((performance.now() - started) / 1000);
    }
    return result;
  }
}

type Protocol = 'vertex' | 'oip' | 'raw';

