import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';
import { PlatformErrors as E, LocationName, customMethod, registerFastRoute, type Call } from '../platform/index.js';
import type { Predictor } from './predictor.js';
import * as S from './schemas.js';

const LocParams = Type.Object({ ...S.EndpointParams.properties, location: LocationName });

/**
 * Vertex AI online prediction. The same handler answers with and without the
 * location segment (Vertex clients always send one; Rouge has no regions), and
 * ignores query parameters such as `$alt=json;enum-encoding=int`.
 */
export function registerVertexRoutes(app: FastifyInstance, predictor: Predictor): void {
  const config = { permission: 'serving.endpoints.predict', resource: (p: Record<string, string>) => `endpoints/${p.endpoint}`, audit: false, plainJson: true, exposure: 'public' as const };
  const schema = { tags: ['serving'], summary: 'Vertex AI :predict', body: S.PredictBody };
  const handler = (call: Call<Static<typeof S.PredictBody>>) =>
    predictor.predict(call.params.project!, call.params.endpoint!, call, call.body.instances, call.body.parameters);
  registerFastRoute(app, { url: `/v1/projects/:project/endpoints/${customMethod('endpoint', 'predict')}`, config, schema: { ...schema, params: S.EndpointParams }, handler });
  registerFastRoute(app, { url: `/v1/projects/:project/locations/:location/endpoints/${customMethod('endpoint', 'predict')}`, config, schema: { ...schema, params: LocParams }, handler });

  // :rawPredict takes any body; it is registered in its own context so its catch-all parser applies to it alone.
  void app.register(async (raw) => {
    raw.removeAllContentTypeParsers();
    raw.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: app.initialConfig.bodyLimit }, (_req, body, done) => done(null, body));
    const rawHandler = async (request: FastifyRequest<{ Params: Static<typeof S.EndpointParams> }>, reply: import('fastify').FastifyReply) => {
      const { project, endpoint } = request.params;
      let body = (request.body as Buffer | undefined) ?? Buffer.alloc(0);
      let contentType = String(request.headers['content-type'] ?? 'application/octet-stream');
      // Google's generated clients (the Node client's REST fallback, Python's REST transport) send
      // the REST mapping of google.api.HttpBody, {"httpBody": {"contentType", "data": <base64>}},
      // and decode the answer as an HttpBody: such a request gets its answer in that form too.
      let enveloped = false;
      if (contentType.startsWith('application/json') && body.length > 0) {
        let parsed: { httpBody?: { contentType?: string; data?: string } } | undefined;
        try {
          parsed = JSON.parse(body.toString('utf8')) as typeof parsed;
        } catch {
          throw E.MALFORMED_JSON({ detail: 'rawPredict body' });
        }
        if (parsed?.httpBody && typeof parsed.httpBody === 'object') {
          enveloped = true;
          contentType = parsed.httpBody.contentType || 'application/octet-stream';
          body = Buffer.from(parsed.httpBody.data ?? '', 'base64');
        }
      }
      const { model, answer } = await predictor.rawPredict(project, endpoint, { id: request.id, headers: request.headers }, body, contentType);
      reply.header('x-vertex-ai-endpoint-id', endpoint).header('x-vertex-ai-deployed-model-id', model.deployedModelId);
      if (answer) {
        const res = answer;
        if (enveloped && res.status >= 200 && res.status < 300) return reply.type('application/json').send({ contentType: res.contentType, data: res.body.toString('base64') });
        return reply.code(res.status).type(res.contentType).send(res.body);
      }
      // An in-process model takes the Vertex JSON body as its raw input.
      let json: { instances?: unknown[]; parameters?: unknown };
      try {
        json = JSON.parse(body.toString('utf8')) as typeof json;
      } catch {
        throw E.INVALID_ARGUMENT({ message: 'This deployed model runs in Rouge; :rawPredict needs a JSON body {"instances": [...]}.' });
      }
      if (!Array.isArray(json?.instances)) throw E.INVALID_ARGUMENT({ message: 'rawPredict body needs "instances": [...]' });
      const predicted = await predictor.predict(project, endpoint, request, json.instances, json.parameters);
      return enveloped ? { contentType: 'application/json', data: Buffer.from(JSON.stringify(predicted)).toString('base64') } : predicted;
    };
    raw.post(`/v1/projects/:project/endpoints/${customMethod('endpoint', 'rawPredict')}`, { config, schema: { tags: ['serving'], summary: 'Vertex AI :rawPredict', params: S.EndpointParams } }, rawHandler);
    raw.post(`/v1/projects/:project/locations/:location/endpoints/${customMethod('endpoint', 'rawPredict')}`, { config, schema: { tags: ['serving'], summary: 'Vertex AI :rawPredict', params: LocParams } }, rawHandler as never);
  });
}
