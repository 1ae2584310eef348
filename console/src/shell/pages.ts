import { automationPages } from '../pages/automation/routes';
import { commercePages } from '../pages/commerce/routes';
import { imagePages } from '../pages/images/routes';
import { modelPages } from '../pages/models/routes';
import type { PageDef } from './page-def';

/** Every page, in menu order; each group's file declares its own. */
export const ALL_PAGES: readonly PageDef[] = [...modelPages, ...commercePages, ...imagePages, ...automationPages];

/** The pages whose module this deployment runs. */
export function pagesFor(modules: ReadonlySet<string>): PageDef[] {
  return ALL_PAGES.filter((p) => p.module === null || modules.has(p.module));
}
