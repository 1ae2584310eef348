import type { Endpoint } from './types';
import { PALETTE } from '../../ui/palette';

/** The charts' colours, so a deployed model keeps its colour between the bar and the charts. */
export const SERIES_COLOURS = PALETTE;

/**
 * An endpoint's traffic split as text (`ctr@1 90 %, ctr@2 10 %`) with a bar
 * beside it; the bar is decoration, the text carries the meaning.
 */
export function SplitSummary({ endpoint }: { endpoint: Endpoint }) {
  const shares = endpoint.deployedModels.map((d, i) => ({ d, pct: endpoint.trafficSplit[d.id] ?? 0, colour: SERIES_COLOURS[i % SERIES_COLOURS.length] }));
  if (Object.keys(endpoint.trafficSplit).length === 0) return <span className="muted">no traffic</span>;
  return (
    <div>
      <div className="split-bar" aria-hidden="true">
        {shares.filter((s) => s.pct > 0).map((s) => <span key={s.d.id} style={{ width: `${s.pct}%`, background: s.colour }} />)}
      </div>
      <span>{shares.map((s) => `${s.d.displayName} ${s.pct} %`).join(', ')}</span>
    </div>
  );
}
