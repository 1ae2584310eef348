import { useEffect, useState } from 'react';
import { Link } from 'wouter';
import { api, projectPath } from '../../api/client';
import { useAction } from '../../api/use-api';
import { useProject } from '../../shell/project';
import { ErrorBox } from '../../ui/error-box';
import { leaf, when } from '../../ui/format';
import { Panel } from '../../ui/page';
import { Empty, Loading } from '../../ui/status';
import { Badge } from './state-badge';
import type { Delivery, Trigger } from './types';
import { usePages } from './use-pages';

/** What the API filters deliveries on (`?state=`): DEAD are the dead letters; PENDING wait for a paused pipeline or a retry. */
const STATES: Array<[string, string]> = [['DEAD', 'Dead letters (DEAD)'], ['PENDING', 'Waiting or retrying (PENDING)'], ['SKIPPED', 'Skipped (SKIPPED)'], ['DELIVERED', 'Delivered (DELIVERED)'], ['', 'Every delivery']];

/**
 * Trigger deliveries, the dead letters first: why each failed, its attempts
 * and time, and a Replay button that delivers it again and says what came
 * of it (the run it started, or why it is dead again).
 */
export function DeadLettersPanel({ triggers, version, onChanged }: { triggers: Trigger[]; version: number; onChanged: () => void }) {
  const project = useProject();
  const [state, setState] = useState('DEAD');
  const [trigger, setTrigger] = useState('');
  const q = new URLSearchParams({ pageSize: '50' });
  if (state) q.set('state', state);
  if (trigger) q.set('trigger', trigger);
  const list = usePages<Delivery>(`${projectPath(project, 'triggerDeliveries')}?${q}`, 'deliveries');
  const { reload } = list;
  // The page bumps `version` after a change (a replay, Refresh): the list is read again.
  useEffect(() => {
    if (version) reload();
  }, [version]);
  const replay = useAction();
  const [result, setResult] = useState<Delivery>();
  const doReplay = async (d: Delivery) => {
    setResult(undefined);
    const r = await replay.run(() => api<Delivery>('POST', projectPath(project, `triggerDeliveries/${encodeURIComponent(d.deliveryId)}:replay`), { body: {} }));
    if (r) {
      setResult(r);
      onChanged();
    }
  };
  return (
    <Panel title="Deliveries and dead letters">
      <div className="filters">
        <div className="field">
          <label htmlFor="deliveries-state">Show</label>
          <select id="deliveries-state" value={state} onChange={(e) => setState(e.target.value)}>
            {STATES.map(([v, text]) => <option key={v} value={v}>{text}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="deliveries-trigger">Trigger</label>
          <select id="deliveries-trigger" value={trigger} onChange={(e) => setTrigger(e.target.value)}>
            <option value="">every trigger</option>
            {triggers.map((t) => <option key={t.triggerId} value={t.triggerId}>{t.triggerId}</option>)}
          </select>
        </div>
      </div>
      <div role="status" aria-live="polite">
        {result ? <ReplayResult d={result} /> : null}
      </div>
      <ErrorBox error={replay.error} onDismiss={replay.clear} />
      <ErrorBox error={list.error} />
      {!list.loaded ? <Loading /> : null}
      {list.loaded && !list.error && list.items.length === 0 ? (
        <Empty>{state === 'DEAD' ? 'No dead letters: every firing the pipelines refused has been replayed, or none was refused.' : 'No deliveries match.'} A trigger's firings are listed by <code>rouge triggers dead-letters list --project {project}</code>.</Empty>
      ) : null}
      {list.items.length ? (
        <div className="table-wrap">
          <table>
            <thead>
              <tr><th scope="col">Delivery</th><th scope="col">Trigger</th><th scope="col">State</th><th scope="col">Error</th><th scope="col" className="num">Attempts</th><th scope="col">Fired</th><th scope="col">Updated</th><th scope="col">Run</th><th scope="col"><span className="visually-hidden">Actions</span></th></tr>
            </thead>
            <tbody>
              {list.items.map((d) => (
                <tr key={d.deliveryId}>
                  <th scope="row"><code>{d.deliveryId}</code></th>
                  <td>{leaf(d.trigger)}</td>
                  <td><Badge state={d.state} /></td>
                  <td className="step-error">{d.reason ?? ''}</td>
                  <td className="num">{d.attempts}</td>
                  <td>{when(d.scheduledTime ?? d.createTime)}</td>
                  <td>{when(d.updateTime)}</td>
                  <td>{d.state === 'DELIVERED' ? <Link href={`/pipelines/runs/${encodeURIComponent(leaf(d.run))}`}><code>{leaf(d.run)}</code></Link> : <span className="muted">not started</span>}</td>
                  <td>{d.state === 'DEAD' ? <button type="button" disabled={replay.busy} onClick={() => void doReplay(d)} aria-label={`Replay delivery ${d.deliveryId} of ${leaf(d.trigger)}`}>Replay</button> : null}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {list.more ? <button type="button" className="secondary more" disabled={list.loading} onClick={list.loadMore}>Load more</button> : null}
    </Panel>
  );
}

/** What a replay did, in words, with the run it started. */
function ReplayResult({ d }: { d: Delivery }) {
  const run = leaf(d.run);
  if (d.state === 'DELIVERED') return <p className="done">Replayed delivery <code>{d.deliveryId}</code>: DELIVERED; <Link href={`/pipelines/runs/${encodeURIComponent(run)}`}>its run {run}</Link> started.</p>;
  return <p className="done">Replayed delivery <code>{d.deliveryId}</code>: it is {d.state}{d.reason ? ` (${d.reason})` : ''}.</p>;
}
