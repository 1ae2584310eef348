import { RougeError } from '../platform/index.js';
import type { RegistryFace, TensorSpec } from '../registry/index.js';
import type { ServingFace } from '../serving/index.js';
import * as errors from './errors.js';
import { RERANK_FEATURES, RERANK_WIDTH } from './rerank.js';

const EXPECTED = `one FP32 input of shape [-1, ${RERANK_WIDTH}] (${RERANK_FEATURES.join(', ')})`;

function describe(inputs: TensorSpec[]): string {
  return inputs.length === 0 ? 'none' : inputs.map((t) => `${t.name} ${t.datatype} [${t.shape.join(', ')}]`).join(', ');
}

/**
 * Refuses, when a recommender is saved, an endpoint that does not exist or
 * serves a model that cannot take the re-ranking features, naming the
 * signature it needs. A custom model server declares no signature; what it
 * answers is checked per request (a wrong answer: no re-ranking, and a note).
 */
export async function checkRerankEndpoint(serving: ServingFace, registry: RegistryFace, project: string, endpoint: string): Promise<void> {
  const name = `projects/${project}/endpoints/${endpoint}`;
  let deployed;
  try {
    deployed = (await serving.endpoints.get(project, endpoint)).deployedModels;
  } catch (e) {
    if (e instanceof RougeError && e.httpStatus === 404) throw errors.RERANK_ENDPOINT_NOT_FOUND({ endpoint: name });
    throw e;
  }
  for (const d of deployed) {
    const model = d.model.slice(d.model.lastIndexOf('/') + 1);
    const signature = (await registry.versions.get(project, model, d.modelVersionId)).signature;
    if (!signature) continue;
    const [input] = signature.inputs;
    const fits = signature.inputs.length === 1 && input!.datatype === 'FP32' && input!.shape.length === 2 && input!.shape[1] === RERANK_WIDTH;
    if (!fits) throw errors.RERANK_SIGNATURE_MISMATCH({ endpoint: name, model: `${d.model}/versions/${d.modelVersionId}`, found: describe(signature.inputs), expected: EXPECTED });
  }
}
