import { Fragment } from 'react';
import { api, projectPath } from '../../api/client';
import { useAction } from '../../api/use-api';
import { ErrorBox } from '../../ui/error-box';
import { when } from '../../ui/format';
import { Panel } from '../../ui/page';
import { bytes } from './format';
import { Lineage } from './lineage';
import type { ModelVersion } from './types';
import { VersionMetrics } from './version-metrics';

/** One version in full: aliases (removable), metrics, lineage, signature and artifact. */
export function VersionDetails({ project, model, version, versions, onChanged }: {
  project: string; model: string; version: ModelVersion; versions: readonly ModelVersion[]; onChanged: (message: string) => void;
}) {
  const { run, busy, error, clear } = useAction();
  const remove = async (alias: string) => {
    const done = await run(() => api('POST', `${projectPath(project, 'models', encodeURIComponent(model), 'versions', version.versionId)}:mergeVersionAliases`, { body: { versionAliases: [`-${alias}`] } }));
    if (done) onChanged(`Removed alias ${alias} from v${version.versionId}.`);
  };
  const labels = Object.entries(version.labels);
  const metadata = Object.entries(version.metadata ?? {});
  return (
    <Panel title={`Version ${version.versionId}`}>
      <div className="details">
        <dl>
          <dt>Framework</dt><dd>{version.framework}</dd>
          <dt>Created</dt><dd>{when(version.versionCreateTime)}</dd>
          {version.description ? <><dt>Description</dt><dd>{version.description}</dd></> : null}
          {labels.length > 0 ? <><dt>Labels</dt><dd>{labels.map(([k, v]) => <code key={k}>{k}={v} </code>)}</dd></> : null}
          <dt>Aliases</dt>
          <dd>
            {version.versionAliases.length === 0 ? <span className="muted">none</span> : (
              <ul className="chips">
                {version.versionAliases.map((a) => (
                  <li key={a} className={a === 'default' ? 'chip chip-default' : 'chip'}>
                    {a}
                    {a === 'default' ? null : (
                      <> <button type="button" className="link" disabled={busy} onClick={() => void remove(a)} aria-label={`Remove alias ${a} from version ${version.versionId}`}>remove</button></>
                    )}
                  </li>
                ))}
              </ul>
            )}
            {version.versionAliases.includes('default') ? <p className="hint">default can move to another version but not be removed: deploys and predictions that name no version use it.</p> : null}
          </dd>
        </dl>
        <ErrorBox error={error} onDismiss={clear} />

        <h3>Metrics</h3>
        <VersionMetrics version={version} versions={versions} />

        <h3>Lineage</h3>
        <Lineage model={model} version={version} versions={versions} />

        {version.signature ? (
          <>
            <h3>Signature</h3>
            <div className="table-wrap">
              <table>
                <thead><tr><th scope="col">Tensor</th><th scope="col">Direction</th><th scope="col">Type</th><th scope="col">Shape</th></tr></thead>
                <tbody>
                  {[...version.signature.inputs.map((t) => ({ t, dir: 'input' })), ...version.signature.outputs.map((t) => ({ t, dir: 'output' }))].map(({ t, dir }) => (
                    <tr key={`${dir}-${t.name}`}><th scope="row"><code>{t.name}</code></th><td>{dir}</td><td>{t.datatype}</td><td><code>[{t.shape.map((d) => (d < 0 ? 'batch' : d)).join(', ')}]</code></td></tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        ) : null}

        {version.artifact || metadata.length > 0 ? (
          <>
            <h3>Artifact</h3>
            <dl>
              {version.artifact ? <><dt>Location</dt><dd><code>{version.artifact.uri}</code></dd><dt>Size</dt><dd>{bytes(version.artifact.sizeBytes)}</dd><dt>SHA-256</dt><dd><code>{version.artifact.sha256}</code></dd></> : null}
              {metadata.map(([k, v]) => <Fragment key={k}><dt>{k}</dt><dd><code>{typeof v === 'string' ? v : JSON.stringify(v)}</code></dd></Fragment>)}
            </dl>
          </>
        ) : null}
      </div>
    </Panel>
  );
}
