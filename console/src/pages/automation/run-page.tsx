import { useEffect, useState } from 'react';
import { Link, useParams } from 'wouter';
import { api, projectPath } from '../../api/client';
import { useAction, useApi } from '../../api/use-api';
import { useProject } from '../../shell/project';
import { ErrorBox } from '../../ui/error-box';
import { Page, Panel } from '../../ui/page';
import { Loading } from '../../ui/status';
import { leaf } from '../../ui/format';
import './automation.css';
import { unfinished } from './format';
import { LogView } from './log-view';
import { RunActions } from './run-actions';
import { RunGraph } from './run-graph';
import { RunSummary } from './run-summary';
import { StepsTable } from './steps-table';
import type { Run } from './types';
import { useRunLogs } from './use-run-logs';

const POLL_MS = 1500;

/** One pipeline run: its graph of steps, the same steps as a table, their logs, and cancel, retry and approve. */
export default function RunPage() {
  const project = useProject();
  const { run: runId = '' } = useParams<{ run: string }>();
  const path = projectPath(project, 'pipelineRuns', encodeURIComponent(runId));
  const [live, setLive] = useState(true);
  // Polls while the run is unfinished; an action that queues it again (retry) turns polling back on.
  const { data: run, error, reload } = useApi<Run>(path, { refreshMs: live ? POLL_MS : undefined });
  useEffect(() => {
    if (run) setLive(unfinished(run.state));
    else if (error) setLive(false);
  }, [run, error]);
  const [selected, setSelected] = useState<string | null>(null);
  // Any move of the run or a step (a retry that ended between two polls, too) reads the log again.
  const changed = run ? `${run.state}|${run.steps.map((s) => `${s.state}:${s.attempt}:${s.startTime ?? ''}`).join(',')}` : '';
  const logs = useRunLogs(project, runId, selected, live, changed);
  const action = useAction();
  const [done, setDone] = useState<string>();

  const act = async (what: string, verb: string, body?: unknown) => {
    setDone(undefined);
    const r = await action.run(() => api<Run>('POST', `${path}:${verb}`, body === undefined ? {} : { body }));
    if (r) {
      setDone(`${what}: the run is ${r.state}.`);
      reload();
    }
  };

  return (
    <Page title={`Run of ${run ? leaf(run.pipeline) : '…'}`} actions={run ? <RunActions run={run} busy={action.busy}
      onCancel={() => void act('Cancelled', 'cancel')} onRetry={(fromFailed) => void act(fromFailed ? 'Retrying the failed steps' : 'Running every step again', 'retry', { fromFailed })} /> : null}>
      <div className="automation">
        <p className="muted"><Link href="/pipelines">Pipeline runs</Link> › <code>{runId}</code></p>
        <ErrorBox error={error} />
        <ErrorBox error={action.error} onDismiss={action.clear} />
        <p role="status" aria-live="polite" className="done">{done ?? ''}</p>
        {!run && !error ? <Loading /> : null}
        {run ? (
          <>
            <RunSummary run={run} />
            <Panel title="Graph">
              <RunGraph steps={run.steps} selected={selected} onSelect={setSelected} />
              <StepsTable steps={run.steps} selected={selected} onSelect={setSelected} busy={action.busy}
                onApprove={(step) => void act(`Approved ${step}`, 'approve', { step })} />
            </Panel>
            <Panel title={selected ? `Logs of ${selected}` : 'Logs of every step'}
              actions={selected ? <button type="button" className="secondary" onClick={() => setSelected(null)}>Show every step</button> : null}>
              <LogView lines={logs.lines} error={logs.error} loaded={logs.loaded} live={live} showStep={selected === null}
                label={selected ? `Log of step ${selected}` : 'Log of every step'} />
            </Panel>
          </>
        ) : null}
      </div>
    </Page>
  );
}
