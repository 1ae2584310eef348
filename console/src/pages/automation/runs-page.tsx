import { projectPath } from '../../api/client';
import { useApi } from '../../api/use-api';
import { useProject } from '../../shell/project';
import { Page } from '../../ui/page';
import './automation.css';
import { PipelinesPanel, type PipelineList } from './pipelines-panel';
import { RunsPanel } from './runs-panel';

/** The pipelines with their Run action, and their runs with state, trigger, times and duration. */
export default function RunsPage() {
  const project = useProject();
  const pipelines = useApi<PipelineList>(`${projectPath(project, 'pipelines')}?pageSize=200`);
  return (
    <Page title="Pipeline runs">
      <div className="automation">
        <PipelinesPanel list={pipelines} />
        <RunsPanel pipelines={pipelines.data?.pipelines ?? []} />
      </div>
    </Page>
  );
}
