import { useEffect, useState } from 'react';
import { projectPath } from '../../api/client';
import { useApi } from '../../api/use-api';
import { ErrorBox } from '../../ui/error-box';
import { count, when } from '../../ui/format';
import { Panel } from '../../ui/page';
import { Loading, StateBadge } from '../../ui/status';
import type { Run } from './run-types';
import { RunResults } from './run-results';
import { SavingsPanel } from './savings-panel';

/** One run: its state and progress (polled until it ends), its results summary, its savings. */
export function RunDetails({ project, run }: { project: string; run: string }) {
  const path = projectPath(project, 'tagging', 'runs', encodeURIComponent(run));
  // Polled while the run goes; an ended run does not change.
  const [live, setLive] = useState(true);
  const { data, error } = useApi<Run>(path, { refreshMs: live ? 2000 : undefined });
  useEffect(() => { if (data) setLive(!data.done); }, [data]);
  const done = data?.done ?? false;
  const p = data?.progress;
  return (
    <>
      <Panel title={`Run ${run}`}>
        <ErrorBox error={error} />
        {!data && !error ? <Loading what="Loading the run…" /> : null}
        {data ? (
          <>
            <div className="run-progress" role="status" aria-live="polite">
              <StateBadge state={data.state} />
              {p?.total ? <progress max={p.total} value={p.processed ?? 0} aria-label="Images analysed">{count(p.processed)} of {count(p.total)}</progress> : null}
              <span>{count(data.counts.ok + data.counts.errors)}{p?.total !== undefined ? ` of ${count(p.total)}` : ''} images done, {count(data.counts.errors)} with an error</span>
            </div>
            <p className="muted">Started {when(data.createTime)}{data.endTime ? `, ended ${when(data.endTime)}` : ''}.</p>
            <RunResults project={project} run={run} done={done} />
          </>
        ) : null}
      </Panel>
      {data ? <SavingsPanel project={project} run={run} done={done} /> : null}
    </>
  );
}
