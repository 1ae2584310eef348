import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderNginx } from '../src/cli/nginx.js';
import { routeTable } from '../src/cli/routes.js';
import type { RouteEntry } from '../src/platform/index.js';

const ROOT = join(import.meta.dirname, '..');
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

function rouge(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', TSX, join(ROOT, 'src/cli/main.ts'), ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => resolve({ code: code ?? -1, out, err }));
  });
}

/** A request path the route answers: every `{param}` filled in. */
const samplePath = (r: RouteEntry) => r.path.replace(/\{\w+\}/g, 'x-1');

/**
 * What nginx does with the generated file for one server block: regex
 * locations tried in order, the first match wins, else `location /`.
 */
function nginxUpstream(config: string, server: string, path: string): string {
  const block = config.split('server {').find((b) => b.includes(`server_name ${server};`))!;
  for (const m of block.matchAll(/location ~ "([^"]+)" \{ proxy_pass http:\/\/rouge_(\w+); \}/g)) {
    if (new RegExp(m[1]!).test(path)) return m[2]!;
  }
  return /location \/ \{ return 404; \}/.test(block) ? '404' : 'api';
}

describe('the role-to-path table', () => {
  it('prints one JSON document from `rouge routes --json`, with no server, equal to the app\'s table', async () => {
    const run = await rouge(['routes', '--json']);
    expect(run.code, run.err).toBe(0);
    const printed = JSON.parse(run.out) as { routes: RouteEntry[] };
    expect(printed.routes).toEqual(await routeTable());
    for (const r of printed.routes) {
      expect(Object.keys(r)).toEqual(['method', 'path', 'regex', 'role', 'exposure']);
      expect(['api', 'inference', 'worker', 'any']).toContain(r.role);
      expect(['public', 'internal']).toContain(r.exposure);
      expect(new RegExp(r.regex).test(samplePath(r)), `${r.path} ~ ${r.regex}`).toBe(true);
    }
  });

  it('sends every path to its role through the generated nginx configuration, and keeps internal routes off the public server', async () => {
    const routes = await routeTable();
    const config = renderNginx(routes);
    for (const r of routes) {
      const path = samplePath(r);
      expect(nginxUpstream(config, 'rouge.internal.example.com', path), `internal ${r.method} ${r.path}`).toBe(r.role === 'any' ? 'api' : r.role);
      const publicly = nginxUpstream(config, 'rouge.example.com', path);
      expect(publicly, `public ${r.method} ${r.path}`).toBe(r.exposure === 'public' ? r.role : '404');
    }
    expect(routes.some((r) => r.exposure === 'public' && r.role === 'inference')).toBe(true);
  });

  it('is the nginx example in docs/configuration.md, exactly', async () => {
    const doc = readFileSync(join(ROOT, 'docs/configuration.md'), 'utf8');
    const block = /<!-- rouge routes --nginx -->\n```nginx\n([\s\S]*?)```/.exec(doc);
    expect(block, 'docs/configuration.md has the generated nginx block; regenerate it with `rouge routes --nginx`').not.toBeNull();
    expect(block![1]).toBe(renderNginx(await routeTable()));
  });
});
