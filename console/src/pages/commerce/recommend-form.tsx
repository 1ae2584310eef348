import { useState, type FormEvent } from 'react';
import { ProductPicker } from './product-picker';
import type { CatalogItem, Recommender } from './types';

/** What the form asks `:recommend` for. */
export interface RecommendAsk {
  recommender: string;
  kind: string;
  query?: string;
  product?: CatalogItem;
  userId?: string;
  limit: number;
  sponsoredSlots: number;
  /** Ask the auction why each campaign won or lost (ads managers only). */
  debug: boolean;
}

const NEEDS_PRODUCT = new Set(['similar', 'bought-together']);

/** Reads a number field, keeping it inside the API's bounds. */
function bounded(text: string, min: number, max: number, fallback: number): number {
  const n = Math.round(Number(text));
  return Number.isFinite(n) && text.trim() !== '' ? Math.min(max, Math.max(min, n)) : fallback;
}

/**
 * The try-out form: the recommender, then what its kind needs (a search
 * query, a context product), a shopper, how many results and sponsored
 * slots. Enter in any field asks.
 */
export function RecommendForm({ project, recommenders, initial, busy, onAsk, onPick }: {
  project: string;
  recommenders: Recommender[];
  initial: { recommender?: string; query?: string };
  busy: boolean;
  onAsk: (ask: RecommendAsk) => void;
  /** The recommender picked in the list, before anything is asked. */
  onPick: (recommender: string) => void;
}) {
  const [name, setName] = useState(() => recommenders.find((r) => r.recommenderId === initial.recommender)?.recommenderId ?? recommenders.find((r) => r.kind === 'search')?.recommenderId ?? recommenders[0]?.recommenderId ?? '');
  const [query, setQuery] = useState(initial.query ?? '');
  const [product, setProduct] = useState<CatalogItem>();
  const [userId, setUserId] = useState('');
  const [limit, setLimit] = useState('10');
  const [slots, setSlots] = useState('2');
  const [debug, setDebug] = useState(false);
  const rec = recommenders.find((r) => r.recommenderId === name);
  const kind = rec?.kind ?? '';

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!rec) return;
    onAsk({
      recommender: rec.recommenderId, kind,
      ...(kind === 'search' ? { query } : {}),
      ...(NEEDS_PRODUCT.has(kind) || kind === 'for-you' ? (product ? { product } : {}) : {}),
      ...(userId.trim() ? { userId: userId.trim() } : {}),
      limit: bounded(limit, 1, 100, 10), sponsoredSlots: bounded(slots, 0, 10, 2), debug,
    });
  };

  return (
    <form className="recommend-form" onSubmit={submit} aria-label="Ask a recommender">
      <div className="field">
        <label htmlFor="rec-name">Recommender</label>
        <select id="rec-name" value={name} onChange={(e) => { setName(e.target.value); onPick(e.target.value); }}>
          {recommenders.map((r) => (
            <option key={r.recommenderId} value={r.recommenderId}>
              {r.displayName && r.displayName !== r.recommenderId ? `${r.displayName} (${r.recommenderId}, ${r.kind})` : `${r.recommenderId} (${r.kind})`}
            </option>
          ))}
        </select>
      </div>
      {kind === 'search' ? (
        <div className="field grow">
          <label htmlFor="rec-query">Search query</label>
          <input id="rec-query" type="search" required maxLength={1000} value={query} onChange={(e) => setQuery(e.target.value)} placeholder="lipstick" />
        </div>
      ) : null}
      {NEEDS_PRODUCT.has(kind) || kind === 'for-you' ? (
        <div className="field grow">
          <ProductPicker project={project} label={NEEDS_PRODUCT.has(kind) ? 'Product' : 'Product (optional)'} value={product} onChange={setProduct} />
        </div>
      ) : null}
      <div className="field">
        <label htmlFor="rec-user">User id{kind === 'for-you' ? '' : ' (optional)'}</label>
        <input id="rec-user" type="text" maxLength={256} value={userId} onChange={(e) => setUserId(e.target.value)} placeholder="user-1" aria-describedby="rec-user-help" />
        <span id="rec-user-help" className="muted hint">Whose live history personalises the results.</span>
      </div>
      <div className="field narrow">
        <label htmlFor="rec-limit">Results</label>
        <input id="rec-limit" type="number" min={1} max={100} value={limit} onChange={(e) => setLimit(e.target.value)} />
      </div>
      <div className="field narrow">
        <label htmlFor="rec-slots">Sponsored slots</label>
        <input id="rec-slots" type="number" min={0} max={10} value={slots} onChange={(e) => setSlots(e.target.value)} />
      </div>
      <div className="field submit check">
        <label><input type="checkbox" checked={debug} onChange={(e) => setDebug(e.target.checked)} aria-describedby="rec-debug-help" /> Explain the auction</label>
        <span id="rec-debug-help" className="muted hint">Ads managers only: why each campaign won or lost.</span>
      </div>
      <div className="field submit">
        <button type="submit" disabled={busy || !rec}>{busy ? 'Asking…' : 'Recommend'}</button>
      </div>
    </form>
  );
}
