import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { PlatformErrors as E } from '../errors/index.js';

/**
 * The console is a static single-page app that calls the public API with the
 * user's key, so its files need no key themselves; the policy keeps the page
 * to its own origin's scripts (a key in sessionStorage is only as safe as the
 * scripts that can read it). Product images may come from a catalogue's CDN.
 */
const CSP = [
  "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' blob: data: https:",
  "connect-src 'self'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'", "object-src 'none'",
].join('; ');

/** Paths that look like files (`assets/x.js`); anything else is a page of the app and gets index.html. */
const FILE_LIKE = /\.[A-Za-z0-9]{1,8}$/;
/** What a built file's path can be: no dot files, no `..`, no control characters; anything else is no file of ours. */
const BUILT_FILE = /^(?:[A-Za-z0-9_-][A-Za-z0-9._-]*\/)*[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/**
 * Serves the built console (`npm run build` writes it to dist/console) at
 * /console: hashed assets cached for a year, index.html for every page path
 * (the app routes on the client) and never cached, so a new build is picked up
 * on the next load. Without a build, /console says how to make one.
 */
export async function registerConsoleRoutes(app: FastifyInstance, dir: string): Promise<void> {
  await app.register(fastifyStatic, { root: dir, serve: false, decorateReply: true, index: false, dotfiles: 'deny' });
  const send = (reply: FastifyReply, file: string) => {
    if (!existsSync(join(dir, 'index.html'))) throw E.CONSOLE_NOT_BUILT({ dir });
    reply.header('content-security-policy', CSP).header('x-content-type-options', 'nosniff').header('referrer-policy', 'no-referrer');
    if (file === 'index.html') return reply.header('cache-control', 'no-store').sendFile('index.html', { cacheControl: false });
    return reply.sendFile(file, { immutable: file.startsWith('assets/'), maxAge: file.startsWith('assets/') ? 31_536_000_000 : 0 });
  };
  const config = { public: true, audit: false } as const;
  // The server ignores a trailing slash, so /console and /console/ are one route: the app itself.
  app.get('/console', { config, schema: { hide: true } }, (_req, reply) => send(reply, 'index.html'));
  app.get('/console/*', { config, schema: { hide: true } }, (request, reply) => {
    const rest = (request.params as { '*': string })['*'] ?? '';
    if (rest === '' || !FILE_LIKE.test(rest)) return send(reply, 'index.html');
    // A 404 that names the path, rather than the static server's bare "Forbidden" for a traversal or a dot file.
    if (!BUILT_FILE.test(rest) || rest.split('/').includes('..')) throw E.ROUTE_NOT_FOUND({ method: 'GET', url: `/console/${rest}` });
    return send(reply, rest);
  });
}
