import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildLogisticRegression } from '../fixtures/onnx-builder.js';
import { buildTestApp } from './app.js';
import { multipart, type Part } from './multipart.js';
import type { StoreKind } from './stores.js';

/** A small valid ONNX model (4 features). */
export const ONNX = Buffer.from(buildLogisticRegression({ features: 4, seed: 7 }));

/** The first ErrorInfo reason of an error response. */
export const reasonOf = (res: { json(): any }) => res.json().error.details[0].reason as string;

/**
 * A test app with project `ds` and model `ctr`, and upload shorthands for
 * the registry tests that do not need the full fixture of test/registry.test.ts.
 */
export async function registryApp(kind: StoreKind, options: Parameters<typeof buildTestApp>[2] = {}) {
  const app: FastifyInstance = await buildTestApp(kind, { maxArtifactBytes: 64 * 1024 }, options);
  await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: 'ds' } });
  await app.inject({ method: 'POST', url: '/v1/projects/ds/models', payload: { name: 'ctr' } });

  const upload = (parts: Part[], model = 'ctr'): Promise<LightMyRequestResponse> => {
    const { payload, headers } = multipart(parts);
    return app.inject({ method: 'POST', url: `/v1/projects/ds/models/${model}/versions`, headers, payload });
  };
  return {
    app,
    upload,
    /** An ONNX version with the given metadata. */
    onnxVersion: (meta: Record<string, unknown> = {}, model = 'ctr') =>
      upload([{ name: 'metadata', value: JSON.stringify({ framework: 'onnx', ...meta }) }, { name: 'artifact', filename: 'model.onnx', data: ONNX }], model),
    /** An `http` version: no artifact, so no onnxruntime child per upload. */
    httpVersion: (meta: Record<string, unknown> = {}, model = 'ctr') =>
      upload([{ name: 'metadata', value: JSON.stringify({ framework: 'http', spec: { upstreams: ['http://10.0.0.5:8080'] }, ...meta }) }], model),
    /** Every version of a model, with its aliases. */
    versions: async (model = 'ctr') =>
      (await app.inject({ url: `/v1/projects/ds/models/${model}/versions?pageSize=100` })).json().versions as Array<{ versionId: string; versionAliases: string[] }>,
  };
}
