import { projectPath } from '../../api/client';
import { useProject } from '../../shell/project';
import { ErrorBox } from '../../ui/error-box';
import { Page, Panel } from '../../ui/page';
import { Empty, Loading } from '../../ui/status';
import { ModelRow } from './model-row';
import type { Model } from './types';
import { useListAll } from './use-list';
import './models.css';

/** /models: the project's registered models with their latest version and aliases. */
export default function ModelsPage() {
  const project = useProject();
  const { items: models, error } = useListAll<Model>(`${projectPath(project, 'models')}?pageSize=200`, 'models');
  return (
    <Page title="Models">
      <p className="muted">Registered models of project <code>{project}</code>. Open one to see its versions, metrics and lineage, and to move an alias.</p>
      <ErrorBox error={error} />
      {!models && !error ? <Loading /> : null}
      {models && models.length === 0 ? (
        <Empty>No models yet. Upload a version with <code>rouge models upload model.onnx --name ctr --metric auc=0.81</code> (it creates the model), or run a training pipeline.</Empty>
      ) : null}
      {models && models.length > 0 ? (
        <Panel title={`${models.length} ${models.length === 1 ? 'model' : 'models'}`}>
          <div className="table-wrap">
            <table>
              <thead>
                <tr><th scope="col">Name</th><th scope="col">Display name</th><th scope="col">Framework</th><th scope="col" className="num">Latest version</th><th scope="col">Aliases</th><th scope="col">Last change</th></tr>
              </thead>
              <tbody>{models.map((m) => <ModelRow key={m.modelId} project={project} model={m} />)}</tbody>
            </table>
          </div>
        </Panel>
      ) : null}
    </Page>
  );
}
