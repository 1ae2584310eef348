import { lazy, type LazyExoticComponent, type ComponentType } from 'react';
import { ALL_PAGES } from './pages';
import type { PageDef } from './page-def';

/** One lazy component per page, made once, so React keeps a visited page's chunk. */
const components = new Map<PageDef, LazyExoticComponent<ComponentType>>(ALL_PAGES.map((p) => [p, lazy(p.load)]));

export function componentOf(page: PageDef): LazyExoticComponent<ComponentType> {
  return components.get(page)!;
}

/**
 * Starts downloading the chunk of the page at `pathname` (a full
 * /console/p/{project}/... path), so a deep link does not wait for the
 * session calls before fetching its code. The browser caches the module;
 * React.lazy then finds it loaded.
 */
export function preloadPageAt(pathname: string): void {
  const m = /^\/console\/p\/[^/]+(\/.*)?$/.exec(pathname);
  const rest = m?.[1];
  if (!rest) return;
  const page = ALL_PAGES.find((p) => patternMatches(p.path, rest));
  page?.load().catch(() => undefined);
}

function patternMatches(pattern: string, path: string): boolean {
  const re = new RegExp(`^${pattern.replace(/:[^/]+/g, '[^/]+')}/?$`);
  return re.test(path);
}
