import { useEffect } from 'react';
import { Link, useParams } from 'wouter';
import { projectPath } from '../../api/client';
import { useApi } from '../../api/use-api';
import { useProject } from '../../shell/project';
import { ErrorBox } from '../../ui/error-box';
import { percent, when } from '../../ui/format';
import { Page, Panel } from '../../ui/page';
import { Empty, Loading } from '../../ui/status';
import { LiveMetrics } from './live-metrics';
import { TrafficEditor } from './traffic-editor';
import type { Endpoint } from './types';
import './models.css';

/** /endpoints/:endpoint: the deployed models, the traffic split editor and live metrics. */
export default function EndpointPage() {
  const project = useProject();
  const { endpoint: raw = '' } = useParams<{ endpoint: string }>();
  const id = decodeURIComponent(raw);
  const { data, error, reload } = useApi<Endpoint>(projectPath(project, 'endpoints', encodeURIComponent(id)));
  const deploying = data?.deployedModels.some((d) => d.state === 'DEPLOYING') ?? false;
  // Read again while a model is loading, so its READY state shows without a reload.
  useEffect(() => {
    if (!deploying) return;
    const t = setInterval(reload, 3000);
    return () => clearInterval(t);
  }, [deploying, reload]);
  return (
    <Page title={`Endpoint ${id}`} actions={<Link href="/endpoints">All endpoints</Link>}>
      <ErrorBox error={error} />
      {!data && !error ? <Loading /> : null}
      {data ? (
        <>
          <p className="muted">
            {data.displayName !== data.endpointId ? <><strong>{data.displayName}</strong>. </> : null}
            Predictions: <code>POST /v1/projects/{project}/endpoints/{data.endpointId}:predict</code>. Request logging samples {percent(data.requestLogging.samplingRate, 0)}. Updated {when(data.updateTime)}.
          </p>
          {deploying ? <p className="hint">A model is still loading; this page reads the endpoint again until it is READY.</p> : null}
          <Panel title="Traffic split">
            {data.deployedModels.length === 0
              ? <Empty>Nothing deployed. Deploy a version with <code>rouge endpoints deploy {data.endpointId} --model ctr@champion --traffic 0=100</code>.</Empty>
              : <TrafficEditor project={project} endpoint={data} onApplied={reload} />}
          </Panel>
          <Panel title="Live traffic">
            <LiveMetrics project={project} endpoint={data} />
          </Panel>
        </>
      ) : null}
    </Page>
  );
}

