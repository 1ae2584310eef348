import { Link } from 'wouter';
import { api, projectPath } from '../../api/client';
import { useAction, type Loaded } from '../../api/use-api';
import { useProject } from '../../shell/project';
import { ErrorBox } from '../../ui/error-box';
import { when } from '../../ui/format';
import { Panel } from '../../ui/page';
import { Empty, Loading } from '../../ui/status';
import { LastDelivery } from './last-delivery';
import { Badge } from './state-badge';
import type { Trigger } from './types';

/** What fires the trigger, in words: its cron and zone, its event filter, or its URL. */
function firesOn(t: Trigger) {
  if (t.kind === 'schedule') return <><code>{t.schedule}</code> <span className="muted">{t.timeZone}{t.overlapPolicy ? `, overlap ${t.overlapPolicy}` : ''}</span></>;
  if (t.kind === 'event' && t.eventFilter) {
    return <>{Object.entries(t.eventFilter).map(([k, v]) => <code key={k} className="param">{k}={v}</code>)}</>;
  }
  if (t.kind === 'http' && t.http) return <code className="url">POST {t.http.url}</code>;
  return <span className="muted">–</span>;
}

/** The project's triggers (schedules, event triggers, HTTP functions) with pause and resume. */
export function TriggersPanel({ list, version, onChanged }: { list: Loaded<{ triggers: Trigger[] }>; version: number; onChanged: () => void }) {
  const project = useProject();
  const action = useAction();
  const { data, error } = list;
  const triggers = data?.triggers ?? [];
  const flip = async (t: Trigger) => {
    const r = await action.run(() => api<Trigger>('POST', projectPath(project, `triggers/${encodeURIComponent(t.triggerId)}:${t.paused ? 'resume' : 'pause'}`), { body: {} }));
    if (r) onChanged();
  };
  return (
    <Panel title="Triggers">
      <ErrorBox error={error} />
      <ErrorBox error={action.error} onDismiss={action.clear} />
      {!data && !error ? <Loading /> : null}
      {data && triggers.length === 0 ? (
        <Empty>No trigger in this project. Make one with <code>rouge triggers create NAME --pipeline P --schedule "0 2 * * *" --project {project}</code> (or <code>--event-type</code>, or <code>--http</code>); docs/triggers.md explains each.</Empty>
      ) : null}
      {triggers.length ? (
        <div className="table-wrap">
          <table className="triggers-table">
            <thead>
              <tr><th scope="col">Trigger</th><th scope="col">Kind</th><th scope="col">Fires on</th><th scope="col">Pipeline</th><th scope="col">State</th><th scope="col">Next fire</th><th scope="col">Last delivery</th><th scope="col"><span className="visually-hidden">Actions</span></th></tr>
            </thead>
            <tbody>
              {triggers.map((t) => (
                <tr key={t.triggerId}>
                  <th scope="row">{t.triggerId}{t.description ? <div className="muted small">{t.description}</div> : null}</th>
                  <td>{t.kind}</td>
                  <td>{firesOn(t)}</td>
                  <td><Link href={`/pipelines?pipeline=${encodeURIComponent(t.pipeline)}`}>{t.pipeline}</Link></td>
                  <td><Badge state={t.paused ? 'PAUSED' : 'ACTIVE'} text={t.paused ? 'paused' : 'active'} /></td>
                  <td>{t.kind === 'schedule' ? (t.paused ? <span className="muted">paused</span> : when(t.nextFireTime)) : <span className="muted">on {t.kind === 'event' ? 'each event' : 'each call'}</span>}</td>
                  <td><LastDelivery project={project} trigger={t.triggerId} version={version} /></td>
                  <td><button type="button" className="secondary" disabled={action.busy} onClick={() => void flip(t)}>{t.paused ? 'Resume' : 'Pause'}<span className="visually-hidden"> {t.triggerId}</span></button></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </Panel>
  );
}
