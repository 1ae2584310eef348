import { parseJson } from '../platform/index.js';
import type { Signature } from './frameworks.js';
import type { AliasRow, ModelRow, VersionRow } from './tables.js';

/** A registered model as the API shows it (after Vertex's Model, without the version fields). */
export interface Model {
  name: string;
  modelId: string;
  displayName: string;
  description: string;
  labels: Record<string, string>;
  createTime: string;
  updateTime: string;
}

/** One immutable version of a model. */
export interface ModelVersion {
  name: string;
  model: string;
  versionId: string;
  versionAliases: string[];
  framework: string;
  description: string;
  labels: Record<string, string>;
  metrics: Record<string, number>;
  lineage: Record<string, unknown>;
  signature?: Signature;
  /** What the framework read from the artifact beyond its signature (see ModelFramework.inspect). */
  metadata?: Record<string, unknown>;
  spec?: Record<string, unknown>;
  artifact?: { uri: string; sha256: string; sizeBytes: number };
  versionCreateTime: string;
}

export function toModel(r: ModelRow): Model {
  return {
    name: `projects/${r.project}/models/${r.name}`,
    modelId: r.name,
    displayName: r.display_name,
    description: r.description,
    labels: parseJson(r.labels, {}),
    createTime: r.create_time,
    updateTime: r.update_time,
  };
}

export function toVersion(r: VersionRow, aliases: AliasRow[]): ModelVersion {
  const signature = parseJson<Signature | null>(r.signature, null);
  const spec = parseJson<Record<string, unknown> | null>(r.spec, null);
  const metadata = parseJson<Record<string, unknown> | null>(r.metadata, null);
  return {
    name: `projects/${r.project}/models/${r.model}/versions/${r.version}`,
    model: `projects/${r.project}/models/${r.model}`,
    versionId: String(r.version),
    versionAliases: aliases.filter((a) => a.version === r.version).map((a) => a.alias).sort((a, b) => (a === 'default' ? -1 : b === 'default' ? 1 : a.localeCompare(b))),
    framework: r.framework,
    description: r.description,
    labels: parseJson(r.labels, {}),
    metrics: parseJson(r.metrics, {}),
    lineage: parseJson(r.lineage, {}),
    ...(signature ? { signature } : {}),
    ...(metadata ? { metadata } : {}),
    ...(spec ? { spec } : {}),
    ...(r.artifact_uri ? { artifact: { uri: r.artifact_uri, sha256: r.artifact_sha256 ?? '', sizeBytes: Number(r.artifact_size ?? 0) } } : {}),
    versionCreateTime: r.create_time,
  };
}
