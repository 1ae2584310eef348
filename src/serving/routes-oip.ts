import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';
import { AUTHENTICATED, VERSION, parsePrincipal, registerFastRoute, type Call } from '../platform/index.js';
import * as errors from './errors.js';
import type { Predictor } from './predictor.js';
import type { ServingRuntime } from './runtime.js';
import * as S from './schemas.js';

const ModelParams = Type.Object({ model: Type.String({ minLength: 1, maxLength: 200 }) });
const VersionParams = Type.Object({ model: Type.String({ minLength: 1, maxLength: 200 }), version: Type.String({ pattern: '^[0-9]{1,10}$' }) });
const NAME = /^(?:([a-z][a-z0-9-]{1,62})\.)?([a-z][a-z0-9-]{0,62})$/;

/**
 * `{project}.{endpoint}`, or a bare `{endpoint}` in the project of the calling
 * service account (project names hold no dots, so the split is unambiguous).
 */
function resolveName(model: string, principal: string): { project: string; endpoint: string } {
  const m = NAME.exec(model);
  if (!m) throw errors.OIP_MODEL_NAME_INVALID({ name: model });
  if (m[1]) return { project: m[1], endpoint: m[2]! };
  const p = parsePrincipal(principal);
  if (p?.kind !== 'serviceAccount') throw errors.OIP_MODEL_NAME_INVALID({ name: model });
  return { project: p.project, endpoint: m[2]! };
}

/** Open Inference Protocol v2 (KServe, Triton): health, metadata, readiness, infer. */
export function registerOipRoutes(app: FastifyInstance, predictor: Predictor, runtime: ServingRuntime): void {
  const tags = ['oip'];
  const scope = (p: Record<string, string>, principal: string) => {
    const { project, endpoint } = resolveName(p.model ?? '', principal);
    return { project, resource: `endpoints/${endpoint}` };
  };
  const config = { permission: 'serving.endpoints.predict', scope, audit: false, protocol: 'oip' as const, plainJson: true };
  const where = (request: FastifyRequest) => resolveName((request.params as { model: string }).model, request.principalName);

  app.get('/v2/health/live', { config: { public: true, protocol: 'oip' }, schema: { tags } }, async () => ({ live: true }));
  app.get('/v2/health/ready', { config: { public: true, protocol: 'oip' }, schema: { tags } }, async (_req, reply) => {
    const ready = runtime.isReady();
    return reply.code(ready ? 200 : 503).send({ ready });
  });
  app.get('/v2', { config: { permission: AUTHENTICATED, protocol: 'oip' }, schema: { tags } }, async () => ({ name: 'rouge', version: VERSION, extensions: [] }));

  const metadata = async (request: FastifyRequest, version?: string) => {
    const { project, endpoint } = where(request);
    const live = await runtime.endpoint(project, endpoint);
    const ids = [...live.models.keys()];
    const model = version ? live.models.get(version) : live.models.get(live.router.pick() ?? '') ?? live.models.values().next().value;
    if (!model) throw errors.NO_TRAFFIC({ endpoint: `projects/${project}/endpoints/${endpoint}` });
    return {
      name: `${project}.${endpoint}`, versions: ids, platform: model.framework === 'onnx' ? 'onnx_onnxv1' : 'custom',
      inputs: model.signature?.inputs ?? [], outputs: model.signature?.outputs ?? [],
    };
  };
  // The protocol answers readiness with the status code: 200 when ready, a 4xx when not, which is
  // what load balancers and health checks read (the body alone would say "ready: false" with a 200).
  const ready = async (request: FastifyRequest, reply: FastifyReply, version?: string) => {
    const { project, endpoint } = where(request);
    const live = await runtime.endpoint(project, endpoint);
    const ok = version ? live.models.has(version) : live.router.pick() !== undefined;
    return reply.code(ok ? 200 : 400).send({ name: `${project}.${endpoint}`, ready: ok });
  };
  const infer = async (call: Call<Static<typeof S.InferBody>>) => {
    const { project, endpoint } = resolveName(call.params.model ?? '', call.principal);
    const { model, outputs } = await predictor.infer(project, endpoint, call, call.body, call.params.version);
    return { model_name: `${project}.${endpoint}`, model_version: model.deployedModelId, ...(call.body.id !== undefined ? { id: call.body.id } : {}), outputs };
  };

  app.get<{ Params: Static<typeof ModelParams> }>('/v2/models/:model', { config, schema: { tags, params: ModelParams } }, (r) => metadata(r));
  app.get<{ Params: Static<typeof VersionParams> }>('/v2/models/:model/versions/:version', { config, schema: { tags, params: VersionParams } }, (r) => metadata(r, r.params.version));
  app.get<{ Params: Static<typeof ModelParams> }>('/v2/models/:model/ready', { config, schema: { tags, params: ModelParams } }, (r, reply) => ready(r, reply));
  app.get<{ Params: Static<typeof VersionParams> }>('/v2/models/:model/versions/:version/ready', { config, schema: { tags, params: VersionParams } }, (r, reply) => ready(r, reply, r.params.version));
  registerFastRoute(app, { url: '/v2/models/:model/infer', config, schema: { tags, params: ModelParams, body: S.InferBody }, handler: infer });
  registerFastRoute(app, { url: '/v2/models/:model/versions/:version/infer', config, schema: { tags, params: VersionParams, body: S.InferBody }, handler: infer });
}
