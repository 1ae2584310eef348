import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import { AUTHENTICATED } from '../iam/index.js';

/** A module as clients see it: its name, and the modules it builds on. */
export interface ModuleInfo {
  name: string;
  requires: string[];
}

const ModuleList = Type.Object({ modules: Type.Array(Type.Object({ name: Type.String(), requires: Type.Array(Type.String()) })) });

/**
 * GET /v1/modules: which modules this deployment runs, so a client (the web
 * console, a script) can show only what exists instead of probing routes.
 * Any signed-in caller may ask; it names no resource.
 */
export function registerModuleListRoute(app: FastifyInstance, modules: readonly ModuleInfo[]): void {
  const body = { modules: modules.map((m) => ({ name: m.name, requires: [...m.requires] })) };
  app.get('/v1/modules', {
    config: { permission: AUTHENTICATED, audit: false },
    schema: { tags: ['platform'], summary: 'The modules this deployment runs', response: { 200: ModuleList } },
  }, async () => body);
}
