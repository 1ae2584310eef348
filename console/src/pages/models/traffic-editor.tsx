import { useEffect, useMemo, useState } from 'react';
import { Link } from 'wouter';
import { api, projectPath } from '../../api/client';
import { useAction } from '../../api/use-api';
import { ErrorBox } from '../../ui/error-box';
import { StateBadge } from '../../ui/status';
import { modelIdOf } from './format';
import type { DeployedModel, Endpoint } from './types';

/** The split as the endpoint holds it now, one entry per deployed model (absent ones at 0). */
function currentSplit(endpoint: Endpoint): Record<string, number> {
  return Object.fromEntries(endpoint.deployedModels.map((d) => [d.id, endpoint.trafficSplit[d.id] ?? 0]));
}

const clamp = (n: number) => (Number.isFinite(n) ? Math.min(100, Math.max(0, Math.round(n))) : 0);

/**
 * The traffic split, one slider and number per deployed model. The shares
 * move independently; Apply stays disabled, saying why, until they add up to
 * exactly 100 (the API's rule), then PATCHes ?updateMask=trafficSplit and the
 * page reads the endpoint again.
 */
export function TrafficEditor({ project, endpoint, onApplied }: { project: string; endpoint: Endpoint; onApplied: () => void }) {
  const server = useMemo(() => currentSplit(endpoint), [endpoint]);
  const [draft, setDraft] = useState(server);
  const [notice, setNotice] = useState<string>();
  const { run, busy, error, clear } = useAction();
  // A new state from the server (after Apply, or a deploy finishing) replaces the draft.
  const serverKey = `${endpoint.updateTime}|${endpoint.deployedModels.map((d) => `${d.id}:${d.state}`).join(',')}`;
  useEffect(() => setDraft(currentSplit(endpoint)), [serverKey]);

  const ready = endpoint.deployedModels.filter((d) => d.state === 'READY');
  const sum = ready.reduce((s, d) => s + (draft[d.id] ?? 0), 0);
  const changed = ready.some((d) => (draft[d.id] ?? 0) !== (server[d.id] ?? 0));
  const why = sum !== 100
    ? `The shares add up to ${sum} %: make them add up to exactly 100 % to apply.`
    : !changed ? 'This is the split the endpoint uses now; move a slider to change it.' : `Ready: new requests will follow this split as soon as you apply it.`;

  const set = (id: string, value: number) => {
    setNotice(undefined);
    setDraft((d) => ({ ...d, [id]: clamp(value) }));
  };
  const apply = async () => {
    const trafficSplit = Object.fromEntries(ready.map((d) => [d.id, draft[d.id] ?? 0]));
    const done = await run(() => api('PATCH', `${projectPath(project, 'endpoints', encodeURIComponent(endpoint.endpointId))}?updateMask=trafficSplit`, { body: { trafficSplit } }));
    if (done) {
      setNotice(`Applied: ${ready.map((d) => `${d.displayName} ${trafficSplit[d.id]} %`).join(', ')}.`);
      onApplied();
    }
  };

  return (
    <div>
      <ul className="traffic-list">
        {endpoint.deployedModels.map((d) => <ShareRow key={d.id} deployed={d} value={draft[d.id] ?? 0} onChange={(v) => set(d.id, v)} />)}
      </ul>
      <div className="traffic-total">
        <p className={sum === 100 ? 'sum' : 'sum off'} role="status" aria-live="polite" aria-atomic="true">
          Total {sum} %{sum === 100 ? ' (complete)' : ` (must be 100 %, ${sum < 100 ? `${100 - sum} % short` : `${sum - 100} % over`})`}
        </p>
        <button type="button" disabled={busy || sum !== 100 || !changed} aria-describedby="apply-why" onClick={() => void apply()}>{busy ? 'Applying…' : 'Apply'}</button>
        <button type="button" className="secondary" disabled={busy || !changed} onClick={() => { setDraft(server); setNotice(undefined); clear(); }}>Reset</button>
      </div>
      <p id="apply-why" className="hint">{why}</p>
      <ErrorBox error={error} onDismiss={clear} />
      <p role="status" aria-live="polite" className={notice ? 'notice' : undefined}>{notice}</p>
    </div>
  );
}

/** One deployed model: who it is, a slider and a number for its share (only READY models can take traffic). */
function ShareRow({ deployed: d, value, onChange }: { deployed: DeployedModel; value: number; onChange: (v: number) => void }) {
  const ready = d.state === 'READY';
  const sliderId = `share-${d.id}`;
  const model = modelIdOf(d.model);
  return (
    <li className="traffic-row">
      <div className="who">
        <label htmlFor={sliderId}>{d.displayName}</label>
        <span className="muted">
          <Link href={`/models/${encodeURIComponent(model)}?version=${d.modelVersionId}`}>{model} v{d.modelVersionId}</Link> · deployed model <code>{d.id}</code>
        </span>
        <span><StateBadge state={d.state} />{!ready ? <span className="muted"> can take traffic once READY</span> : null}</span>
        {d.error ? <span className="muted">{d.error}</span> : null}
      </div>
      <input id={sliderId} type="range" min={0} max={100} step={1} value={value} disabled={!ready}
        aria-valuetext={`${value} %`} onChange={(e) => onChange(Number(e.target.value))} />
      <span className="pct">
        <input type="number" min={0} max={100} step={1} inputMode="numeric" value={value} disabled={!ready}
          aria-label={`${d.displayName} percent`} onChange={(e) => onChange(e.target.value === '' ? 0 : Number(e.target.value))} />
        <span aria-hidden="true">%</span>
      </span>
    </li>
  );
}
