/**
 * Serving: endpoints with deployed models and a traffic split, the ONNX
 * runtime in process and a proxy for custom model servers, dynamic batching,
 * Vertex AI :predict and the Open Inference Protocol v2, request logging.
 */
export { servingModule } from './module.js';
export type { ServingFace } from './module.js';
export { RUNTIMES, registerRuntime } from './runtimes.js';
export type { Runtime, RuntimeLoader, RuntimeLoadRequest } from './runtimes.js';
export type { ServedModel, ServedIdentity, OipRequest, OipTensor } from './served-model.js';
export { servingMigration } from './tables.js';
export { EndpointService } from './service.js';
export type { EndpointView, DeployedModelView } from './service.js';
export { ServingRuntime } from './runtime.js';
export * as ServingErrors from './errors.js';
