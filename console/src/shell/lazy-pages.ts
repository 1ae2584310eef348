import { lazy, type LazyExoticComponent, type ComponentType } from 'react';
import { ALL_PAGES } from './pages';
import type { PageDef } from './page-def';

/** One lazy component per page, made once, so React keeps a visited page's chunk. */
const components = new Map<PageDef, LazyExoticComponent<ComponentType>>(ALL_PAGES.map((p) => [p, lazy(p.load)]));

export function componentOf(page: PageDef): LazyExoticComponent<ComponentType> {
  return components.get(page)!;
}
