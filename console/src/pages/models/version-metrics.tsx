import { metric } from './format';
import type { ModelVersion } from './types';

/**
 * A version's metrics beside another version's (its parent when lineage
 * names one, else the version before it), with the change, as MLflow's
 * compare view shows them.
 */
export function VersionMetrics({ version, versions }: { version: ModelVersion; versions: readonly ModelVersion[] }) {
  const entries = Object.entries(version.metrics);
  if (entries.length === 0) return <p className="muted">No metrics recorded. Uploads record them with <code>--metric name=value</code>.</p>;
  const parentId = typeof version.lineage.parentVersion === 'number' ? String(version.lineage.parentVersion) : undefined;
  const index = versions.findIndex((v) => v.versionId === version.versionId);
  const other = (parentId !== undefined ? versions.find((v) => v.versionId === parentId) : undefined) ?? (index > 0 ? versions[index - 1] : undefined);
  const otherLabel = other ? `v${other.versionId}${other.versionId === parentId ? ' (parent)' : ' (previous)'}` : undefined;
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Metric</th><th scope="col" className="num">v{version.versionId}</th>
            {otherLabel ? <><th scope="col" className="num">{otherLabel}</th><th scope="col" className="num">Change</th></> : null}
          </tr>
        </thead>
        <tbody>
          {entries.map(([name, value]) => {
            const before = other?.metrics[name];
            const change = before === undefined ? undefined : value - before;
            return (
              <tr key={name}>
                <th scope="row">{name}</th>
                <td className="num">{metric(value)}</td>
                {otherLabel ? <><td className="num">{metric(before)}</td><td className="num">{change === undefined ? '–' : `${change > 0 ? '+' : change < 0 ? '−' : '±'}${metric(Math.abs(change))}`}</td></> : null}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
