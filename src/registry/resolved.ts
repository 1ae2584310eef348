import { parseJson } from '../platform/index.js';
import type { Signature } from './frameworks.js';
import type { VersionRow } from './tables.js';

/**
 * A version as a runtime needs it, resolved from a reference (`ctr@champion`)
 * at one moment: what other modules get instead of the registry's rows, so
 * the registry can change its tables without breaking serving.
 */
export interface ResolvedVersion {
  project: string;
  model: string;
  version: number;
  /** `projects/{p}/models/{m}/versions/{n}` */
  name: string;
  framework: string;
  signature: Signature | undefined;
  /** The spec of an artifact-less version (`http`). */
  spec: Record<string, unknown> | undefined;
  /** What the framework read from the artifact at upload. */
  metadata: Record<string, unknown>;
  /** The artifact in the blob store; undefined for artifact-less frameworks. */
  artifact: { key: string; uri: string; sha256: string; size: number } | undefined;
}

/** The resolved view of a stored version row. */
export function toResolved(r: VersionRow): ResolvedVersion {
  return {
    project: r.project,
    model: r.model,
    version: r.version,
    name: `projects/${r.project}/models/${r.model}/versions/${r.version}`,
    framework: r.framework,
    signature: parseJson<Signature | null>(r.signature, null) ?? undefined,
    spec: parseJson<Record<string, unknown> | null>(r.spec, null) ?? undefined,
    metadata: parseJson<Record<string, unknown>>(r.metadata, {}),
    artifact: r.artifact_key && r.artifact_sha256 ? { key: r.artifact_key, uri: r.artifact_uri ?? '', sha256: r.artifact_sha256, size: r.artifact_size ?? 0 } : undefined,
  };
}
