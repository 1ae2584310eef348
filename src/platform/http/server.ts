import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Config } from '../config/index.js';
import { PlatformErrors as E } from '../errors/index.js';
import { lazyChildLoggerFactory } from './lazy-child-logger.js';
import { loggerOptions, redactLoggedUrl } from './logging.js';
import { routeConfig } from './route-config.js';
import { requestIdFor } from './request-id.js';
import { createValidatorCompiler } from './validation.js';
import { installErrorHandling, renderError } from './error-rendering.js';
import { FastLane } from './fast-lane.js';
import { attachLane } from './fast-route.js';

/**
 * Creates the Fastify instance with Rouge's conventions: strict validation,
 * request ids, redacted logs, body limits, TLS or a trusted proxy, and a
 * shutdown that answers 503 in the error model while in-flight requests finish.
 */
export function createHttpServer(config: Config, logger?: FastifyServerOptions['logger']): FastifyInstance {
  const https = config.tlsCert && config.tlsKey ? { key: readFileSync(config.tlsKey), cert: readFileSync(config.tlsCert) } : null;
  const lane = new FastLane(config.fastLane, config.bodyLimit);
  const app = Fastify({
    // Our own server, so that the fast lane sees each request before Fastify does;
    // the settings are the ones Fastify gives a server it makes itself.
    serverFactory: (handler: (req: IncomingMessage, res: ServerResponse) => void) => {
      const listener = (req: IncomingMessage, res: ServerResponse) => {
        if (!lane.handle(req, res)) handler(req, res);
      };
      const server = https ? createHttpsServer(https, listener) : createServer(listener);
      server.keepAliveTimeout = 72_000;
      server.requestTimeout = 0;
      return server;
    },
    logger: logger ?? loggerOptions(config.logLevel),
    // One access line per request from our onResponse hook instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: lazyChildLoggerFactory,
    requestIdHeader: false,
    genReqId: requestIdFor,
    bodyLimit: config.bodyLimit,
    trustProxy: config.trustProxy ?? false,
    // Our own hook answers in the error model instead of Fastify's plain 503.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
    // The router's own refusals (a bad percent-escape, a segment over 500 characters) answer in
    // the error model too, with the protocol of the path they were sent to.
    frameworkErrors: (error, request, reply) => {
      const why = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'a path segment is longer than 500 characters' : 'it holds a percent-escape that is not UTF-8';
      const err = E.URL_INVALID({ why });
      const oip = String(request.url).startsWith('/v2/');
      // The reply's generics come from no route here; a plain shape keeps the call honest.
      const plain = reply as unknown as { code(n: number): { type(t: string): { send(b: unknown): unknown } } };
      void plain.code(err.httpStatus).type('application/json; charset=utf-8').send(renderError(oip ? 'oip' : 'google', err));
    },
    // Requests Node's parser refuses before Fastify sees them (a negative Content-Length): the same shape.
    clientErrorHandler: (err, socket) => {
      if ((err as NodeJS.ErrnoException).code === 'ECONNRESET' || !socket.writable) {
        socket.destroy();
        return;
      }
      const body = JSON.stringify(renderError('google', E.REQUEST_MALFORMED()));
      socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    },
    ajv: { customOptions: { removeAdditional: false } },
  }) as unknown as FastifyInstance;
  lane.log = app.log;
  attachLane(app, lane);
  app.setValidatorCompiler(createValidatorCompiler());
  // JSON only by default; routes that take CSV or NDJSON register their own parser.
  app.removeContentTypeParser('text/plain');
  // Many clients send Content-Type: application/json on a DELETE or GET with no body;
  // treat that as no body there, and keep the clear EMPTY_BODY error for writes.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '' && (request.method === 'DELETE' || request.method === 'GET')) return done(null, undefined);
    if (body === '') return done(E.EMPTY_BODY(), undefined);
    if (routeConfig(request).plainJson) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body as string);
      } catch (e) {
        return done(e as Error, undefined);
      }
      return done(null, parsed);
    }
    return parseJson(request, body as string, done);
  });
  app.decorateRequest('principalName', 'anonymous');
  app.decorateRequest('rougeRouteConfig', null);

  app.addHook('onClose', async () => {
    lane.closing = true;
  });
  app.addHook('preClose', async () => {
    lane.closing = true;
  });
  // Callback hooks rather than async ones: every request runs them, and an async
  // hook costs a promise and a microtask tick each.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done(lane.closing ? E.SHUTTING_DOWN() : undefined);
  });
  app.addHook('onResponse', (request, reply, done) => {
    // A request that was in flight when closing began leaves a kept-alive
    // connection behind it, and close() would wait for the client to hang up.
    if (lane.closing) setImmediate(() => app.server.closeIdleConnections());
    // 5xx are already logged with their cause; below info, skip building the line.
    if (reply.statusCode < 500 && (request.log as { isLevelEnabled?(l: string): boolean }).isLevelEnabled?.('info') !== false) {
      request.log.info({ method: request.method, url: redactLoggedUrl(request.url), status: reply.statusCode, ms: Math.round(reply.elapsedTime * 100) / 100 }, 'request');
    }
    done();
  });
  installErrorHandling(app);
  return app;
}
