import { Link } from 'wouter';
import { projectPath } from '../../api/client';
import { useProject } from '../../shell/project';
import { ErrorBox } from '../../ui/error-box';
import { when } from '../../ui/format';
import { Page, Panel } from '../../ui/page';
import { Empty, Loading, StateBadge } from '../../ui/status';
import { SplitSummary } from './split-summary';
import type { Endpoint } from './types';
import { useListAll } from './use-list';
import './models.css';

/** /endpoints: the project's endpoints with their deployed models and traffic split. */
export default function EndpointsPage() {
  const project = useProject();
  const { items: endpoints, error } = useListAll<Endpoint>(`${projectPath(project, 'endpoints')}?pageSize=200`, 'endpoints');
  return (
    <Page title="Endpoints">
      <p className="muted">Online prediction endpoints of project <code>{project}</code>. Open one to move its traffic and watch requests, latency and errors live.</p>
      <ErrorBox error={error} />
      {!endpoints && !error ? <Loading /> : null}
      {endpoints && endpoints.length === 0 ? (
        <Empty>No endpoints yet. Create one with <code>rouge endpoints create ctr-prod</code>, then <code>rouge endpoints deploy ctr-prod --model ctr@champion --traffic 0=100</code>.</Empty>
      ) : null}
      {endpoints && endpoints.length > 0 ? (
        <Panel title={`${endpoints.length} ${endpoints.length === 1 ? 'endpoint' : 'endpoints'}`}>
          <div className="table-wrap">
            <table>
              <thead>
                <tr><th scope="col">Endpoint</th><th scope="col">Deployed models</th><th scope="col">Traffic split</th><th scope="col">Updated</th></tr>
              </thead>
              <tbody>
                {endpoints.map((e) => (
                  <tr key={e.endpointId}>
                    <th scope="row">
                      <Link href={`/endpoints/${encodeURIComponent(e.endpointId)}`}>{e.endpointId}</Link>
                      {e.displayName !== e.endpointId ? <div className="muted">{e.displayName}</div> : null}
                    </th>
                    <td>
                      {e.deployedModels.length === 0 ? <span className="muted">none: <code>rouge endpoints deploy {e.endpointId} --model …</code></span> : (
                        <ul className="plain">
                          {e.deployedModels.map((d) => (
                            <li key={d.id}>{d.displayName} <span className="muted">({d.id})</span> <StateBadge state={d.state} /></li>
                          ))}
                        </ul>
                      )}
                    </td>
                    <td><SplitSummary endpoint={e} /></td>
                    <td>{when(e.updateTime)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Panel>
      ) : null}
    </Page>
  );
}
