import { withLocation } from '../platform/index.js';
import type { Model, ModelVersion } from './views.js';

/**
 * Vertex AI's Model message: one version of a model with the model's own
 * fields beside it (Vertex has no separate model resource). Rouge's extra
 * version fields (framework, signature, metrics) ride along; generated
 * clients skip fields their message does not know.
 */
export interface VertexModel {
  name: string;
  versionId: string;
  versionAliases: string[];
  versionCreateTime: string;
  versionUpdateTime: string;
  displayName: string;
  description: string;
  versionDescription: string;
  labels: Record<string, string>;
  createTime: string;
  updateTime: string;
  artifactUri?: string;
  metadata?: Record<string, unknown>;
  framework: string;
  metrics: Record<string, number>;
}

/** A model and one of its versions as Vertex's Model, named with the caller's location. */
export function toVertexModel(model: Model, version: ModelVersion, location: string): VertexModel {
  return {
    name: withLocation(model.name, location),
    versionId: version.versionId,
    versionAliases: version.versionAliases,
    versionCreateTime: version.versionCreateTime,
    versionUpdateTime: version.versionCreateTime,
    displayName: model.displayName,
    description: model.description,
    versionDescription: version.description,
    labels: { ...model.labels, ...version.labels },
    createTime: model.createTime,
    updateTime: model.updateTime,
    ...(version.artifact ? { artifactUri: version.artifact.uri } : {}),
    ...(version.metadata ? { metadata: version.metadata } : {}),
    framework: version.framework,
    metrics: version.metrics,
  };
}
