import { Fragment, useState } from 'react';
import { useLocation } from 'wouter';
import { api, projectPath } from '../../api/client';
import { useAction, type Loaded } from '../../api/use-api';
import { useProject } from '../../shell/project';
import { ErrorBox } from '../../ui/error-box';
import { when } from '../../ui/format';
import { Panel } from '../../ui/page';
import { Empty, Loading } from '../../ui/status';
import { RunForm } from './run-form';
import { Badge } from './state-badge';
import type { Pipeline, Run } from './types';

export interface PipelineList { pipelines: Pipeline[]; nextPageToken?: string }

/**
 * The project's pipelines, each with a Run action: at once for a pipeline
 * without parameters, through a form of its parameters otherwise. A started
 * run opens on its own page.
 */
export function PipelinesPanel({ list }: { list: Loaded<PipelineList> }) {
  const project = useProject();
  const { data, error } = list;
  const [open, setOpen] = useState<string | null>(null);
  const start = useAction();
  const [, navigate] = useLocation();
  const run = async (pipeline: string, parameters: Record<string, string | number | boolean>) => {
    const r = await start.run(() => api<Run>('POST', projectPath(project, `pipelines/${encodeURIComponent(pipeline)}:run`), { body: Object.keys(parameters).length ? { parameters } : {} }));
    if (r) navigate(`/pipelines/runs/${encodeURIComponent(r.runId)}`);
  };
  const pipelines = data?.pipelines ?? [];
  return (
    <Panel title="Pipelines">
      <ErrorBox error={error} />
      <ErrorBox error={start.error} onDismiss={start.clear} />
      {!data && !error ? <Loading /> : null}
      {data && pipelines.length === 0 ? <Empty>No pipeline in this project yet. Define one with <code>rouge pipelines apply FILE --project {project}</code> (docs/pipelines.md).</Empty> : null}
      {pipelines.length ? (
        <div className="table-wrap">
          <table>
            <thead>
              <tr><th scope="col">Pipeline</th><th scope="col" className="num">Steps</th><th scope="col">Parameters</th><th scope="col">State</th><th scope="col">Updated</th><th scope="col"><span className="visually-hidden">Actions</span></th></tr>
            </thead>
            <tbody>
              {pipelines.map((p) => {
                const params = p.spec.parameters ?? {};
                const names = Object.keys(params);
                const isOpen = open === p.pipelineId;
                return (
                  <Fragment key={p.pipelineId}>
                    <tr>
                      <th scope="row">{p.pipelineId}{p.spec.description ? <div className="muted small">{p.spec.description}</div> : null}</th>
                      <td className="num">{p.spec.steps.length}</td>
                      <td>{names.length ? names.join(', ') : <span className="muted">none</span>}</td>
                      <td><Badge state={p.paused ? 'PAUSED' : 'ACTIVE'} text={p.paused ? 'paused: runs wait QUEUED' : 'active'} /></td>
                      <td>{when(p.updateTime)}</td>
                      <td>
                        {names.length ? (
                          <button type="button" aria-expanded={isOpen} aria-controls={isOpen ? `run-form-${p.pipelineId}` : undefined} onClick={() => setOpen(isOpen ? null : p.pipelineId)}>Run {p.pipelineId}…</button>
                        ) : (
                          <button type="button" disabled={start.busy} onClick={() => void run(p.pipelineId, {})}>Run {p.pipelineId}</button>
                        )}
                      </td>
                    </tr>
                    {isOpen ? (
                      <tr id={`run-form-${p.pipelineId}`}>
                        <td colSpan={6}><RunForm pipeline={p.pipelineId} params={params} busy={start.busy} onRun={(v) => void run(p.pipelineId, v)} onClose={() => setOpen(null)} /></td>
                      </tr>
                    ) : null}
                  </Fragment>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      {data?.nextPageToken ? <p className="muted small">The first 200 pipelines are shown; <code>rouge pipelines list</code> lists every one.</p> : null}
    </Panel>
  );
}
