import { useEffect, useState, type FormEvent } from 'react';
import { useLocation, useSearchParams } from 'wouter';
import { projectPath } from '../../api/client';
import { useApi } from '../../api/use-api';
import { useProject } from '../../shell/project';
import { ErrorBox } from '../../ui/error-box';
import { leaf } from '../../ui/format';
import { Page, Panel } from '../../ui/page';
import { Empty, Loading } from '../../ui/status';
import { RunDetails } from './run-details';
import { RunsList } from './runs-list';
import type { RunOperation } from './run-types';
import './images.css';

const RUN_ID = /^[A-Za-z0-9-]{1,64}$/;

/**
 * Tagging runs and what they saved. Runs are Operations of kind tagging.run
 * (GET .../operations?kind=tagging.run, which needs platform.operations.list);
 * a key without it (tagReviewer) still opens a run by its id.
 */
export default function RunsPage() {
  const project = useProject();
  const [params] = useSearchParams();
  const selected = params.get('run');
  const [, navigate] = useLocation();
  // Polled while a run goes, so its state and progress move on their own.
  const [live, setLive] = useState(false);
  const list = useApi<{ operations: RunOperation[] }>(`${projectPath(project, 'operations')}?kind=tagging.run&pageSize=50`, { refreshMs: live ? 3000 : undefined });
  const runs = list.data?.operations ?? [];
  useEffect(() => setLive(runs.some((r) => !r.done)), [list.data]);
  const shown = selected ?? (runs[0] ? leaf(runs[0].name) : null);
  return (
    <Page title="Tagging runs" actions={<OpenRun onOpen={(id) => navigate(`/tagging?run=${encodeURIComponent(id)}`)} />}>
      <Panel title="Runs">
        <ErrorBox error={list.error} />
        {list.error ? <p className="muted">Open a run by its id meanwhile (above): the run, its results and savings need only <code>tagging.runs.get</code>.</p> : null}
        {!list.data && !list.error ? <Loading what="Loading the runs…" /> : null}
        {list.data && runs.length === 0
          ? <Empty>No tagging run yet. Start one with <code>rouge tags run --project {project}</code> (or POST <code>/v1/projects/{project}/tagging/runs</code>): it analyses the catalogue's images, and classifies them when the project has a tagger.</Empty>
          : null}
        {runs.length > 0 ? <RunsList runs={runs} selected={shown} /> : null}
      </Panel>
      {shown ? <RunDetails key={shown} project={project} run={shown} /> : null}
    </Page>
  );
}

function OpenRun({ onOpen }: { onOpen: (id: string) => void }) {
  const [id, setId] = useState('');
  const [invalid, setInvalid] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const v = id.trim();
    if (!RUN_ID.test(v)) { setInvalid(true); return; }
    setInvalid(false);
    onOpen(v);
  };
  return (
    <form className="img-inline-form img-open-run" onSubmit={submit} aria-label="Open a run by id">
      <label>Run id
        <input value={id} onChange={(e) => setId(e.target.value)} spellCheck={false} autoComplete="off" aria-invalid={invalid || undefined} aria-describedby={invalid ? 'run-id-error' : undefined} />
      </label>
      <button type="submit" className="secondary">Open run</button>
      {invalid ? <span id="run-id-error" className="img-field-error">A run id is letters, digits and dashes (the Operation's id).</span> : null}
    </form>
  );
}
