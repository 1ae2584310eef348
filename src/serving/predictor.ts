import type { FastifyRequest } from 'fastify';
import { RougeError } from '../platform/index.js';
import * as errors from './errors.js';
import type { RequestLogger } from './request-log.js';
import type { ServingRuntime } from './runtime.js';
import type { OipRequest, OipTensor, ServedModel } from './served-model.js';
import type { ServingMetrics } from './serving-metrics.js';

/**
 * The request path both protocols share: pick a deployed model by the split
 * (sticky with X-Rouge-Routing-Key), call it, count it, and maybe log it.
 * Everything here is in memory: the store is not touched per request.
 */
export class Predictor {
  constructor(private readonly runtime: ServingRuntime, private readonly metrics: ServingMetrics, private readonly logger: RequestLogger) {}

  /** The deployed model a request goes to: the one named, or one drawn from the split. */
  async pick(project: string, endpoint: string, request: FastifyRequest, deployedModelId?: string): Promise<{ model: ServedModel; samplingRate: number }> {
    const live = await this.runtime.endpoint(project, endpoint);
    if (deployedModelId !== undefined) {
      const model = live.models.get(deployedModelId);
      if (!model) throw errors.DEPLOYED_MODEL_NOT_FOUND({ id: deployedModelId, endpoint: `projects/${project}/endpoints/${endpoint}` });
      return { model, samplingRate: live.samplingRate };
    }
    const key = request.headers['x-rouge-routing-key'];
    const id = live.router.pick(typeof key === 'string' ? key : undefined);
    const model = id === undefined ? undefined : live.models.get(id);
    if (!model) throw errors.NO_TRAFFIC({ endpoint: `projects/${project}/endpoints/${endpoint}` });
    return { model, samplingRate: live.samplingRate };
  }

  async predict(project: string, endpoint: string, request: FastifyRequest, instances: unknown[], parameters: unknown) {
    const started = process.hrtime.bigint();
    const { model, samplingRate } = await this.pick(project, endpoint, request);
    const predictions = await this.observe(project, endpoint, model, 'vertex', started, () => model.predict(instances, parameters));
    const response = { predictions, deployedModelId: model.deployedModelId, model: model.model, modelVersionId: model.versionId, modelDisplayName: model.displayName };
    this.logger.record(samplingRate, project, endpoint, () => ({
      time: new Date().toISOString(), requestId: String(request.id), endpoint: `projects/${project}/endpoints/${endpoint}`, deployedModelId: model.deployedModelId,
      modelVersionId: model.versionId, protocol: 'vertex', latencyMs: Number(process.hrtime.bigint() - started) / 1e6, request: { instances, parameters }, response: { predictions },
    }));
    return response;
  }

  async infer(project: string, endpoint: string, request: FastifyRequest, body: OipRequest, deployedModelId?: string): Promise<{ model: ServedModel; outputs: OipTensor[] }> {
    const started = process.hrtime.bigint();
    const { model, samplingRate } = await this.pick(project, endpoint, request, deployedModelId);
    const outputs = await this.observe(project, endpoint, model, 'oip', started, () => model.infer(body));
    this.logger.record(samplingRate, project, endpoint, () => ({
      time: new Date().toISOString(), requestId: String(request.id), endpoint: `projects/${project}/endpoints/${endpoint}`, deployedModelId: model.deployedModelId,
      modelVersionId: model.versionId, protocol: 'oip', latencyMs: Number(process.hrtime.bigint() - started) / 1e6, request: body, response: { outputs },
    }));
    return { model, outputs };
  }

  private async observe<T>(project: string, endpoint: string, model: ServedModel, protocol: 'vertex' | 'oip', started: bigint, run: () => Promise<T>): Promise<T> {
    const name = `${project}.${endpoint}`;
    try {
      const result = await run();
      this.metrics.requests.labels(name, model.deployedModelId, protocol, 'OK').inc();
      this.metrics.latency.labels(name, model.deployedModelId, protocol).observe(Number(process.hrtime.bigint() - started) / 1e9);
      return result;
    } catch (e) {
      this.metrics.requests.labels(name, model.deployedModelId, protocol, e instanceof RougeError ? e.reason : 'INTERNAL').inc();
      throw e;
    }
  }
}
