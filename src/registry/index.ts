/**
 * The model registry: models, immutable numbered versions, aliases (`default`
 * always on one version), artifacts in the blob store, signatures read at
 * upload, lineage, and the frameworks that validate artifacts.
 */
export { registryModule, DEPLOYED_CHECKS } from './module.js';
export type { RegistryFace } from './module.js';
export { registryMigrations } from './migrations.js';
export type { ResolvedVersion } from './resolved.js';
export { ModelService } from './model-service.js';
export type { CreateModel } from './model-service.js';
export { VersionService } from './version-service.js';
export type { DeployedCheck, VersionMetadata } from './version-service.js';
export { FRAMEWORKS } from './frameworks.js';
export type { ArtifactInfo, ModelFramework, Signature, TensorSpec } from './frameworks.js';
export type { HttpModelSpec } from './http-spec.js';
export { parseModelRef, parseVersionRef } from './names.js';
export type { Model, ModelVersion } from './views.js';
export * as RegistryErrors from './errors.js';
