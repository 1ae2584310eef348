import { Link } from 'wouter';
import { when } from '../../ui/format';
import { AliasList } from './alias-list';
import type { Deployment } from './deployments';
import { metric } from './format';
import type { ModelVersion } from './types';

/** A model's versions, newest first; the selected one is marked, each links to its details. */
export function VersionsTable({ model, versions, selected, deployments }: { model: string; versions: readonly ModelVersion[]; selected: string | undefined; deployments: ReadonlyMap<string, Deployment[]> }) {
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr><th scope="col">Version</th><th scope="col">Aliases</th><th scope="col">Framework</th><th scope="col">Metrics</th><th scope="col">Deployed on</th><th scope="col">Created</th></tr>
        </thead>
        <tbody>
          {[...versions].reverse().map((v) => {
            const current = v.versionId === selected;
            const metrics = Object.entries(v.metrics);
            const deployed = deployments.get(v.versionId) ?? [];
            return (
              <tr key={v.versionId} aria-current={current ? 'true' : undefined}>
                <th scope="row">
                  <Link href={`/models/${encodeURIComponent(model)}?version=${v.versionId}`}>v{v.versionId}</Link>
                  {current ? <span className="muted"> (shown below)</span> : null}
                </th>
                <td><AliasList aliases={v.versionAliases} /></td>
                <td>{v.framework}</td>
                <td>{metrics.length === 0 ? <span className="muted">–</span> : metrics.slice(0, 4).map(([k, n]) => <div key={k}><span className="muted">{k}</span> {metric(n)}</div>)}{metrics.length > 4 ? <div className="muted">+{metrics.length - 4} more</div> : null}</td>
                <td>{deployed.length === 0 ? <span className="muted">–</span> : deployed.map((d) => <div key={d.deployedModelId}><Link href={`/endpoints/${encodeURIComponent(d.endpoint)}`}>{d.endpoint}</Link> <span className="muted">{d.percent} %</span></div>)}</td>
                <td>{when(v.versionCreateTime)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
