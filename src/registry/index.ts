/**
 * The model registry: models, immutable numbered versions, aliases (`default`
 * always on one version), artifacts in the blob store, signatures read at
 * upload, lineage, and the frameworks that validate artifacts.
 */
import { grantPermissions } from '../platform/index.js';

grantPermissions({
  viewer: ['registry.models.get', 'registry.models.list', 'registry.versions.get', 'registry.versions.list', 'registry.versions.download'],
  editor: ['registry.models.create', 'registry.models.update', 'registry.models.delete', 'registry.versions.create', 'registry.versions.update', 'registry.versions.delete'],
});

export { registryMigration } from './tables.js';
export { registryMigrations } from './migrations.js';
export type { VersionRow } from './tables.js';
export { RegistryStore } from './store.js';
export { ModelService } from './model-service.js';
export type { CreateModel } from './model-service.js';
export { VersionService } from './version-service.js';
export type { DeployedCheck, VersionMetadata } from './version-service.js';
export { registerRegistryRoutes } from './routes.js';
export { registerFramework, frameworkOf } from './frameworks.js';
export type { ArtifactInfo, ModelFramework, Signature, TensorSpec } from './frameworks.js';
export type { HttpModelSpec } from './http-spec.js';
export { parseModelRef, parseVersionRef } from './names.js';
export type { Model, ModelVersion } from './views.js';
export * as RegistryErrors from './errors.js';
