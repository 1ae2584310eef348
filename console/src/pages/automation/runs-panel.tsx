import { useEffect, useState, type ReactNode } from 'react';
import { Link, useLocation, useSearch } from 'wouter';
import { projectPath } from '../../api/client';
import { useApi } from '../../api/use-api';
import { useProject } from '../../shell/project';
import { ErrorBox } from '../../ui/error-box';
import { leaf, when } from '../../ui/format';
import { Panel } from '../../ui/page';
import { Empty, Loading } from '../../ui/status';
import { duration, unfinished } from './format';
import { Badge } from './state-badge';
import type { Pipeline, Run } from './types';

const STATES = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'];
const STEP = 50;
const POLL_MS = 2000;

/**
 * Runs, newest first, of every pipeline or one, in any state or one (the
 * API filters both: `?pipeline=`, `?state=`); "Show more" loads a longer
 * page. Refreshes itself while any run shown is unfinished.
 */
export function RunsPanel({ pipelines }: { pipelines: Pipeline[] }) {
  const project = useProject();
  const search = new URLSearchParams(useSearch());
  const [, navigate] = useLocation();
  const pipeline = search.get('pipeline') ?? '';
  const state = search.get('state') ?? '';
  const size = Math.min(1000, Math.max(STEP, Number(search.get('show')) || STEP));
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(search);
    if (value) next.set(key, value);
    else next.delete(key);
    const q = next.toString();
    navigate(`/pipelines${q ? `?${q}` : ''}`, { replace: true });
  };
  const q = new URLSearchParams({ pageSize: String(size) });
  if (pipeline) q.set('pipeline', pipeline);
  if (state) q.set('state', state);
  const [live, setLive] = useState(false);
  const { data, error } = useApi<{ pipelineRuns: Run[]; nextPageToken?: string }>(`${projectPath(project, 'pipelineRuns')}?${q}`, { refreshMs: live ? POLL_MS : undefined });
  const all = data?.pipelineRuns ?? [];
  useEffect(() => setLive(all.some((r) => unfinished(r.state))), [data]);
  const runs = all;
  const label = (id: string, text: string, children: ReactNode) => (
    <div className="field"><label htmlFor={id}>{text}</label>{children}</div>
  );
  return (
    <Panel title="Runs">
      <div className="filters">
        {label('runs-pipeline', 'Pipeline', (
          <select id="runs-pipeline" value={pipeline} onChange={(e) => set('pipeline', e.target.value)}>
            <option value="">every pipeline</option>
            {[...new Set([...pipelines.map((p) => p.pipelineId), ...(pipeline ? [pipeline] : [])])].map((p) => <option key={p} value={p}>{p}</option>)}
          </select>
        ))}
        {label('runs-state', 'State', (
          <select id="runs-state" value={state} onChange={(e) => set('state', e.target.value)}>
            <option value="">any state</option>
            {STATES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        ))}
        <p className="muted small" aria-live="polite">{live ? 'Refreshing while a run is unfinished.' : ''}</p>
      </div>
      <ErrorBox error={error} />
      {!data && !error ? <Loading /> : null}
      {data && all.length === 0 && state ? <Empty>No {state} runs{pipeline ? ` of ${pipeline}` : ''}. Choose another state.</Empty> : null}
      {data && all.length === 0 && !state ? <Empty>No runs{pipeline ? ` of ${pipeline}` : ''} yet. Start one with a Run button above, <code>rouge pipelines run NAME --project {project}</code>, or a trigger.</Empty> : null}
      {runs.length ? (
        <div className="table-wrap">
          <table>
            <thead>
              <tr><th scope="col">Run</th><th scope="col">Pipeline</th><th scope="col">State</th><th scope="col">Started by</th><th scope="col">Started</th><th scope="col">Ended</th><th scope="col" className="num">Duration</th></tr>
            </thead>
            <tbody>
              {runs.map((r) => (
                <tr key={r.runId}>
                  <th scope="row"><Link href={`/pipelines/runs/${encodeURIComponent(r.runId)}`}><code>{r.runId}</code></Link></th>
                  <td>{leaf(r.pipeline)}</td>
                  <td><Badge state={r.state} /> <span className="muted small">{progress(r)}</span></td>
                  <td>{r.trigger ? <>trigger <code>{leaf(r.trigger)}</code></> : r.principal}</td>
                  <td>{when(r.startTime ?? r.createTime)}</td>
                  <td>{when(r.endTime)}</td>
                  <td className="num">{duration(r.startTime, r.endTime)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {data?.nextPageToken && size < 1000 ? <button type="button" className="secondary more" onClick={() => set('show', String(size + STEP))}>Show more runs</button> : null}
    </Panel>
  );
}

/** "3/5 steps ended", so a glance says how far a run got. */
function progress(r: Run): string {
  const ended = r.steps.filter((s) => !unfinished(s.state)).length;
  return `${ended}/${r.steps.length} steps ended`;
}
