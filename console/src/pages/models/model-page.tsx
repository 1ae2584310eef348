import { useState } from 'react';
import { Link, useParams, useSearchParams } from 'wouter';
import { projectPath } from '../../api/client';
import { useApi } from '../../api/use-api';
import { useProject } from '../../shell/project';
import { ErrorBox } from '../../ui/error-box';
import { when } from '../../ui/format';
import { Page, Panel } from '../../ui/page';
import { Empty, Loading } from '../../ui/status';
import { AliasForm } from './alias-form';
import { useDeployments } from './deployments';
import { MetricsChart } from './metrics-chart';
import type { Model } from './types';
import { defaultVersion, useVersions } from './use-versions';
import { VersionDetails } from './version-details';
import { VersionsTable } from './versions-table';
import './models.css';

/** /models/:model: the versions with aliases, metrics and deployments; one version's details; moving an alias. */
export default function ModelPage() {
  const project = useProject();
  const { model: raw = '' } = useParams<{ model: string }>();
  const modelId = decodeURIComponent(raw);
  const [search] = useSearchParams();
  const { data: model, error: modelError } = useApi<Model>(projectPath(project, 'models', encodeURIComponent(modelId)));
  const { items: versions, error, reload } = useVersions(project, modelId);
  const deployments = useDeployments(project, modelId);
  const [notice, setNotice] = useState<string>();
  const asked = search.get('version') ?? undefined;
  const selected = versions?.find((v) => v.versionId === asked) ?? (versions ? defaultVersion(versions) : undefined);
  const changed = (message: string) => {
    setNotice(message);
    reload();
  };
  return (
    <Page title={`Model ${modelId}`} actions={<Link href="/models">All models</Link>}>
      {model ? (
        <p className="muted">
          {model.displayName !== model.modelId ? <><strong>{model.displayName}</strong>. </> : null}
          {model.description ? <>{model.description} </> : null}
          Registered {when(model.createTime)}.
        </p>
      ) : null}
      <ErrorBox error={modelError ?? error} />
      {!versions && !error ? <Loading what="Loading versions…" /> : null}
      <p role="status" aria-live="polite" className={notice ? 'notice' : undefined}>{notice}</p>
      {versions && versions.length === 0 ? (
        <Empty>No versions yet. Upload one with <code>rouge models upload model.onnx --name {modelId}</code>.</Empty>
      ) : null}
      {versions && versions.length > 0 ? (
        <>
          <Panel title="Versions">
            <VersionsTable model={modelId} versions={versions} selected={selected?.versionId} deployments={deployments} />
          </Panel>
          <div className="grid-2">
            <Panel title="Move an alias">
              <AliasForm project={project} model={modelId} versions={versions} initialVersion={selected?.versionId} onMoved={changed} />
            </Panel>
            <Panel title="Metrics by version">
              <MetricsChart versions={versions} />
            </Panel>
          </div>
          {selected ? <VersionDetails project={project} model={modelId} version={selected} versions={versions} onChanged={changed} /> : null}
        </>
      ) : null}
    </Page>
  );
}
