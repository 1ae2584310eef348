import { createContext, useContext } from 'react';

export interface Session {
  principal: string;
  orgAdmin: boolean;
  /** The modules this deployment runs (GET /v1/modules). */
  modules: ReadonlySet<string>;
}

export const SessionContext = createContext<Session>({ principal: '', orgAdmin: false, modules: new Set() });
export const ProjectContext = createContext<string>('');

/** The signed-in principal and what the deployment runs. */
export function useSession(): Session {
  return useContext(SessionContext);
}

/** The project the page is showing (from /console/p/{project}/...). */
export function useProject(): string {
  return useContext(ProjectContext);
}
