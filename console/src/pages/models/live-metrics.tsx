import { useCallback, useMemo } from 'react';
import { ApiError } from '../../api/errors';
import { useSession } from '../../shell/project';
import { ErrorBox } from '../../ui/error-box';
import { count, percent } from '../../ui/format';
import { Loading } from '../../ui/status';
import { ms } from './format';
import { LiveCharts } from './live-charts';
import { endpointLabel, recent, timeline } from './live-stats';
import type { Endpoint } from './types';
import { useLiveMetrics } from './use-live-metrics';

const POLL_MS = 3000;
const WINDOW_MS = 5 * 60_000;
const RECENT_MS = 60_000;

/**
 * Live serving metrics of one endpoint from GET /metrics: a table of the last
 * minute per deployed model (rate, errors, p50/p95 latency, totals since the
 * server started) and charts of the last five minutes.
 */
export function LiveMetrics({ project, endpoint }: { project: string; endpoint: Endpoint }) {
  const { principal } = useSession();
  const { snapshots, error, denied } = useLiveMetrics(endpointLabel(project, endpoint.endpointId), POLL_MS, WINDOW_MS);
  const latest = snapshots[snapshots.length - 1];
  const lastMinute = recent(snapshots, RECENT_MS);
  const points = useMemo(() => timeline(snapshots), [snapshots]);
  const byId = useMemo(() => new Map(endpoint.deployedModels.map((d) => [d.id, d])), [endpoint]);
  const nameOf = useCallback((id: string) => (id === '' ? 'Refused (no model took it)' : byId.get(id)?.displayName ?? `${id} (no longer deployed)`), [byId]);
  const ids = useMemo(() => {
    const seen = Object.keys(latest?.models ?? {});
    const deployed = endpoint.deployedModels.map((d) => d.id);
    return [...deployed, ...seen.filter((id) => id !== '' && !byId.has(id)), ...(seen.includes('') ? [''] : [])];
  }, [latest, endpoint, byId]);

  if (denied) {
    const message = `Live metrics come from /metrics, which needs the metricsViewer (or orgAdmin) organisation role; ${principal} does not have it. An organisation admin can grant it: POST /v1/bindings {"principal": "${principal}", "role": "metricsViewer"}. (${error?.message ?? ''})`;
    return <ErrorBox error={new ApiError(403, error?.reason ?? 'PERMISSION_DENIED', message)} />;
  }
  const receiving = lastMinute ? ids.filter((id) => (lastMinute[id]?.requests ?? 0) > 0).map(nameOf) : [];
  const failing = lastMinute ? ids.filter((id) => (lastMinute[id]?.errors ?? 0) > 0).map(nameOf) : [];
  return (
    <div>
      <ErrorBox error={error} />
      {!latest && !error ? <Loading what="Reading /metrics…" /> : null}
      {latest ? (
        <>
          <p className="hint">
            Polled every {POLL_MS / 1000} s; rates and latency over the last minute{snapshots.length < 2 ? ' (from the next poll on)' : ''}, totals since the server started.
            Last read {new Date(latest.time).toLocaleTimeString()}. Counters are those of the Rouge process that answered.
          </p>
          {/* Announced only when which models get requests (or fail) changes, not at every poll. */}
          <p className="sr-only" aria-live="polite" aria-atomic="true">
            {lastMinute ? `Receiving requests in the last minute: ${receiving.join(', ') || 'none'}. Errors: ${failing.join(', ') || 'none'}.` : ''}
          </p>
          <div className="table-wrap">
            <table aria-label="Live traffic by deployed model">
              <thead>
                <tr>
                  <th scope="col">Deployed model</th><th scope="col" className="num">Split</th><th scope="col" className="num">Requests/s</th>
                  <th scope="col" className="num">Error rate</th><th scope="col" className="num">p50</th><th scope="col" className="num">p95</th>
                  <th scope="col" className="num">Total requests</th><th scope="col" className="num">Total errors</th>
                </tr>
              </thead>
              <tbody>
                {ids.map((id) => {
                  const s = lastMinute?.[id];
                  const total = latest.models[id];
                  return (
                    <tr key={id || 'refused'}>
                      <th scope="row">{nameOf(id)}{id ? <div className="muted"><code>{id}</code></div> : null}</th>
                      <td className="num">{id && byId.has(id) ? `${endpoint.trafficSplit[id] ?? 0} %` : '–'}</td>
                      <td className="num">{s ? s.rps.toFixed(2) : '–'}</td>
                      <td className="num">{s?.errorRate === undefined ? '–' : percent(s.errorRate)}</td>
                      <td className="num">{ms(s?.p50)}</td>
                      <td className="num">{ms(s?.p95)}</td>
                      <td className="num">{count(total?.requests ?? 0)}</td>
                      <td className="num">{count(total?.errors ?? 0)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <LiveCharts points={points} ids={ids} nameOf={nameOf} />
        </>
      ) : null}
    </div>
  );
}
