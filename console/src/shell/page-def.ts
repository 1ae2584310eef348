import type { ComponentType } from 'react';

/**
 * One page of the console. `module` names the Rouge module whose API the
 * page calls: the page is left out (from the menu and the router) when
 * GET /v1/modules does not list it; null is the platform, always present.
 */
export interface PageDef {
  /** Under /console/p/{project}; wouter patterns (`/models/:model`). */
  path: string;
  /** The menu entry; pages without one (details) are reached by links. */
  label?: string;
  /** The menu group the entry sits in. */
  group?: 'Models' | 'Commerce' | 'Images' | 'Automation' | 'Governance';
  module: string | null;
  /** Loaded on first visit, so the first screen downloads only the shell. */
  load: () => Promise<{ default: ComponentType }>;
}
