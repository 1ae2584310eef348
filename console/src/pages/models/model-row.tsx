import { Link } from 'wouter';
import { when } from '../../ui/format';
import { AliasList } from './alias-list';
import { later } from './format';
import type { Model } from './types';
import { aliasesOf, useVersions } from './use-versions';

/** One row of the models list; it reads the model's versions for the framework, latest version and aliases. */
export function ModelRow({ project, model }: { project: string; model: Model }) {
  const { items: versions, error } = useVersions(project, model.modelId);
  const latest = versions?.[versions.length - 1];
  const frameworks = versions ? [...new Set(versions.map((v) => v.framework))] : [];
  const at = new Map(versions?.flatMap((v) => v.versionAliases.map((a) => [a, v.versionId] as const)) ?? []);
  const pending = versions === undefined && !error;
  const unreadable = error ? <span className="muted" title={error.message}>not readable</span> : null;
  return (
    <tr>
      <th scope="row"><Link href={`/models/${encodeURIComponent(model.modelId)}`}>{model.modelId}</Link></th>
      <td>{model.displayName}{model.description ? <div className="muted">{model.description}</div> : null}</td>
      <td>{unreadable ?? (pending ? '…' : frameworks.join(', ') || '–')}</td>
      <td className="num">{unreadable ?? (pending ? '…' : latest ? `v${latest.versionId}` : <span className="muted">none yet</span>)}</td>
      <td>{unreadable ?? (pending ? '…' : <AliasList aliases={aliasesOf(versions ?? [])} at={at} />)}</td>
      <td>{when(later(model.updateTime, latest?.versionCreateTime))}</td>
    </tr>
  );
}
