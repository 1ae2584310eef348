import { ProductCard } from './product-card';
import type { RecommendedItem } from './types';

/** Fields the card shows itself; anything else the API returned is listed as it came. */
const SHOWN = new Set(['id', 'score', 'reason', 'title', 'brand', 'categoryPath', 'imageLink', 'price']);

/** The organic results in the API's order, each with its reason and score exactly as returned. */
export function OrganicList({ items }: { items: RecommendedItem[] }) {
  return (
    <ol className="product-list" aria-label="Organic results">
      {items.map((item, i) => (
        <li key={item.id}>
          <ProductCard item={item} badge={<span className="rank">#{i + 1}</span>}>
            <dl className="facts">
              <div><dt>Reason</dt><dd><code>{item.reason}</code></dd></div>
              <div><dt>Score</dt><dd>{item.score}</dd></div>
              {Object.entries(item).filter(([k]) => !SHOWN.has(k)).map(([k, v]) => (
                <div key={k}><dt>{k}</dt><dd><code>{typeof v === 'string' ? v : JSON.stringify(v)}</code></dd></div>
              ))}
            </dl>
          </ProductCard>
        </li>
      ))}
    </ol>
  );
}
