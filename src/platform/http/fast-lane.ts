import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import { PlatformErrors as E, type RougeError } from '../errors/index.js';
import { renderError } from './error-rendering.js';
import { redactLoggedUrl } from './logging.js';
import { readLaneBody } from './lane-body.js';
import { requestIdFor } from './request-id.js';
import type { RouteConfig } from './route-config.js';
import { toRougeError, type AjvError } from './to-rouge-error.js';
import { createValidatorCompiler } from './validation.js';

/** What a fast route's handler gets: the parts of a request it may read. */
export interface Call<B = unknown> {
  id: string;
  headers: IncomingHttpHeaders;
  params: Record<string, string>;
  principal: string;
  body: B;
}

/** The principal a request acts as, decided without the store; see `FastLane.setGuard`. */
export interface Admitted {
  principal: string;
}

/**
 * Decides whether a request may go down the lane: an `Admitted` (or its promise,
 * when a shared-cache rate limit must be asked) if it is authenticated and
 * authorised from cached state, undefined to leave it to Fastify, whose hooks
 * then answer every refusal in the usual way.
 */
export type LaneGuard = (config: RouteConfig, params: Record<string, string>, authorization: string | undefined) => Admitted | Promise<Admitted> | undefined;

/** A route the lane answers; registered by `registerFastRoute` next to its Fastify twin. */
export interface LaneRoute {
  url: string;
  config: RouteConfig;
  /** Path params when the path (without its query) is this route's and they are valid. */
  match: (path: string) => Record<string, string> | undefined;
  validate: ((body: unknown) => boolean) & { errors?: AjvError[] | null };
  handler: (call: Call) => Promise<unknown>;
}

/** Called once per answered request, as the Fastify onResponse hooks are. */
export type LaneObserver = (method: string, route: RouteConfig, status: number, seconds: number) => void;

/**
 * The prediction path without Fastify. A route registered with
 * `registerFastRoute` exists twice: as a Fastify route (OpenAPI, `inject`, and
 * every request the lane declines) and here, where a POST whose key and
 * bindings are cached is answered straight from node:http. Fastify's request
 * and reply objects, hook runner and content-type machinery cost about 25 µs
 * per request on our bench machine, a fifth of a prediction's whole budget
 * (bench/README.md, "Serving"; docs/decisions.md). The lane keeps what those
 * layers do for these routes: request ids, auth, the body limit, strict body
 * validation, the error model, metrics and the access log.
 */
export class FastLane {
  private readonly routes: LaneRoute[] = [];
  private guard: LaneGuard | undefined;
  private readonly observers: LaneObserver[] = [];
  /** Set when the server starts closing (the one flag for the whole server): the lane then declines, and Fastify answers 503. */
  closing = false;
  /** Requests the lane took, for tests and `/metrics`-free debugging. */
  taken = 0;
  /** The app's logger, set once the app exists. */
  log: FastifyBaseLogger | undefined;
  /** Validators for lane routes, compiled as Fastify's are (strict bodies, coerced params). */
  readonly compile = createValidatorCompiler();

  constructor(
    private readonly enabled: boolean,
    readonly bodyLimit: number,
  ) {}

  add(route: LaneRoute): void {
    this.routes.push(route);
  }

  /** Without a guard the lane declines everything: no route is ever served unauthenticated by omission. */
  setGuard(guard: LaneGuard): void {
    this.guard = guard;
  }

  observe(observer: LaneObserver): void {
    this.observers.push(observer);
  }

  /** Answers the request and returns true, or returns false having touched nothing. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    if (!this.enabled || req.method !== 'POST' || this.closing || this.guard === undefined || this.routes.length === 0) return false;
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    let route: LaneRoute | undefined;
    let params: Record<string, string> | undefined;
    for (const r of this.routes) {
      params = r.match(path);
      if (params) {
        route = r;
        break;
      }
    }
    if (!route || !params) return false;
    const type = req.headers['content-type'];
    if (type === undefined || !/^application\/json\s*(;|$)/i.test(type)) return false;
    let admitted: Admitted | Promise<Admitted> | undefined;
    try {
      admitted = this.guard(route.config, params, req.headers.authorization);
    } catch {
      return false;
    }
    if (admitted === undefined) return false;
    this.taken++;
    const started = performance.now();
    const id = requestIdFor(req);
    const run = new LaneRun(this, route, params, req, res, id, started);
    if (admitted instanceof Promise) admitted.then((a) => run.start(a), (e: unknown) => run.fail(e));
    else run.start(admitted);
    return true;
  }

  /** @internal */ finish(route: LaneRoute, method: string, url: string, id: string, status: number, started: number): void {
    const seconds = (performance.now() - started) / 1000;
    for (const o of this.observers) o(method, route.config, status, seconds);
    const log = this.log;
    if (log && status < 500 && (log as { isLevelEnabled?(l: string): boolean }).isLevelEnabled?.('info') !== false) log.info({ reqId: id, method, url: redactLoggedUrl(url), status, ms: Math.round(seconds * 1e5) / 100 }, 'request');
  }

}

/** One request on the lane: body, validation, handler, answer. */
class LaneRun {
  constructor(
    private readonly lane: FastLane,
    private readonly route: LaneRoute,
    private readonly params: Record<string, string>,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly id: string,
    private readonly started: number,
  ) {}

  start(admitted: Admitted): void {
    readLaneBody(this.req, this.lane.bodyLimit, (err, text) => {
      if (err) return this.fail(err, true);
      if (text === '') return this.fail(E.EMPTY_BODY());
      let body: unknown;
      try {
        body = JSON.parse(text!);
      } catch (e) {
        return this.fail(e);
      }
      const validate = this.route.validate;
      if (!validate(body)) return this.fail({ validation: validate.errors ?? [], validationContext: 'body' });
      const call: Call = { id: this.id, headers: this.req.headers, params: this.params, principal: admitted.principal, body };
      this.route.handler(call).then((answer) => this.send(200, JSON.stringify(answer)), (e: unknown) => this.fail(e));
    });
  }

  fail(error: unknown, close = false): void {
    const err: RougeError = toRougeError(error, { id: this.id, headers: this.req.headers, routeOptions: { bodyLimit: this.lane.bodyLimit } });
    if (err.httpStatus >= 500) this.lane.log?.error({ reqId: this.id, err: error, reason: err.reason }, 'request failed');
    const extra: string[] = [];
    for (const [k, v] of Object.entries(err.headers)) extra.push(k, v);
    this.send(err.httpStatus, JSON.stringify(renderError(this.route.config.protocol ?? 'google', err)), extra, close);
  }

  private send(status: number, json: string, extra?: string[], close = false): void {
    const res = this.res;
    if (res.headersSent || res.destroyed) return;
    // A flat [name, value, ...] list: node:http writes it without building a header map.
    const headers = ['content-type', 'application/json; charset=utf-8', 'content-length', String(Buffer.byteLength(json)), 'x-request-id', this.id];
    if (extra) headers.push(...extra);
    // An unread body (too large, or cut off) leaves the connection out of step: close it.
    // So does a server that began closing while this request was in flight.
    if (close || this.lane.closing) headers.push('connection', 'close');
    res.writeHead(status, headers);
    res.end(json);
    this.lane.finish(this.route, 'POST', this.req.url ?? '', this.id, status, this.started);
  }
}
