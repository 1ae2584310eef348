import { buildApp } from '../app.js';
import { loadConfig, type RouteEntry } from '../platform/index.js';
import { renderNginx } from './nginx.js';

/**
 * The role-to-path table of every module this build ships, read from the
 * modules' own declarations: the app is built in memory (no store on disk, no
 * port, no server to reach), its table read, and the app closed.
 */
export async function routeTable(): Promise<RouteEntry[]> {
  const config = { ...loadConfig({ env: {} }), dataDir: ':memory:', roles: ['api' as const], logLevel: 'silent' as const };
  const app = await buildApp({ config });
  try {
    return app.rouge.routes.entries();
  } finally {
    await app.close();
  }
}

/** `rouge routes`: the table as JSON (`--json`), as an nginx configuration (`--nginx`), or as aligned text. */
export async function printRoutes(opts: { json?: boolean; nginx?: boolean }): Promise<void> {
  const routes = await routeTable();
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ routes }, null, 2)}\n`);
    return;
  }
  if (opts.nginx) {
    process.stdout.write(renderNginx(routes));
    return;
  }
  const widths = [6, Math.max(...routes.map((r) => r.path.length)), 9];
  for (const r of routes) process.stdout.write(`${r.method.padEnd(widths[0]!)}  ${r.path.padEnd(widths[1]!)}  ${r.role.padEnd(widths[2]!)}  ${r.exposure}\n`);
}
