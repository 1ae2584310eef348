import type { ReactNode } from 'react';
import { money } from '../../ui/format';
import type { Money } from './types';

/** The fields both lists show the same way. */
export interface ProductView {
  id: string;
  title?: string;
  brand?: string;
  categoryPath?: string[];
  imageLink?: string;
  price?: Money;
}

/**
 * One product as a storefront would show it (image, title, brand, category,
 * price), with `children` for what the list adds: an organic item's reason,
 * a sponsored item's campaign and cost per click.
 */
export function ProductCard({ item, badge, children }: { item: ProductView; badge?: ReactNode; children?: ReactNode }) {
  return (
    <article className="product-card">
      {item.imageLink
        ? <img src={item.imageLink} alt={item.title ?? item.id} width={88} height={88} loading="lazy" />
        : <div className="no-image" aria-hidden="true">No image</div>}
      <div className="product-body">
        {badge}
        <h3 className="product-title">{item.title ?? item.id}</h3>
        <p className="product-meta">
          <code>{item.id}</code>
          {item.brand ? <span> · {item.brand}</span> : null}
        </p>
        {item.categoryPath ? <p className="product-meta">{item.categoryPath.join(' › ')}</p> : null}
        {item.price ? <p className="product-price">{money(item.price.amount, item.price.currency)}</p> : null}
        {children}
      </div>
    </article>
  );
}
