import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import type { PageDef } from './page-def';
import { ALL_PAGES } from './pages';

/** Pages whose chunk has arrived: rendered directly, since even a resolved lazy component suspends once. */
const ready = new Map<PageDef, ComponentType>();

function load(page: PageDef): Promise<{ default: ComponentType }> {
  return page.load().then((m) => {
    ready.set(page, m.default);
    return m;
  });
}

/** One lazy component per page, made once, for a page opened before its chunk arrived. */
const lazies = new Map<PageDef, LazyExoticComponent<ComponentType>>(ALL_PAGES.map((p) => [p, lazy(() => load(p))]));

/**
 * The component for a page: the page itself once its chunk is here, so
 * React shows it at once (a suspended lazy component is revealed no sooner
 * than 300 ms later, React's fallback throttle), else its lazy stand-in.
 */
export function componentOf(page: PageDef): ComponentType {
  return ready.get(page) ?? lazies.get(page)!;
}

/**
 * Downloads the chunk of the page at `pathname` (a full
 * /console/p/{project}/... path); the shell awaits it with the session calls,
 * so a deep link renders its page in one go.
 */
export function preloadPageAt(pathname: string): Promise<void> {
  const rest = /^\/console\/p\/[^/]+(\/.*)?$/.exec(pathname)?.[1];
  const page = rest ? ALL_PAGES.find((p) => new RegExp(`^${p.path.replace(/:[^/]+/g, '[^/]+')}/?$`).test(rest)) : undefined;
  return page ? load(page).then(() => undefined, () => undefined) : Promise.resolve();
}

/** Fetches every page's chunk once the browser is idle, so moving between pages never waits on the network. */
export function prefetchAllPages(): void {
  const go = () => { for (const p of ALL_PAGES) if (!ready.has(p)) void load(p).catch(() => undefined); };
  if ('requestIdleCallback' in window) window.requestIdleCallback(go, { timeout: 3000 });
  else setTimeout(go, 1500);
}
