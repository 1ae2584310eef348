import { projectPath } from '../../api/client';
import type { ModelVersion } from './types';
import { useListAll, type LoadedList } from './use-list';

/** Every version of a model, oldest first (so the latest is the last). */
export function useVersions(project: string, model: string): LoadedList<ModelVersion> {
  return useListAll<ModelVersion>(`${projectPath(project, 'models', encodeURIComponent(model), 'versions')}?pageSize=1000`, 'versions');
}

/** The versions' aliases, `default` first, each once. */
export function aliasesOf(versions: readonly ModelVersion[]): string[] {
  const all = new Set(versions.flatMap((v) => v.versionAliases));
  return [...all].sort((a, b) => (a === 'default' ? -1 : b === 'default' ? 1 : a.localeCompare(b)));
}

/** The version `default` is on, else the latest. */
export function defaultVersion(versions: readonly ModelVersion[]): ModelVersion | undefined {
  return versions.find((v) => v.versionAliases.includes('default')) ?? versions[versions.length - 1];
}
