import type { HttpModelSpec, Signature } from '../registry/index.js';
import * as errors from './errors.js';
import type { OipRequest, OipTensor, ServedIdentity, ServedModel } from './served-model.js';

export interface HttpModelInfo extends ServedIdentity {
  project: string;
  endpoint: string;
  spec: HttpModelSpec;
}

/** Connection-level failures: the request never reached a server, so retrying another upstream is safe. */
function isConnectionFailure(e: unknown): boolean {
  const code = (e as { cause?: { code?: string } })?.cause?.code ?? (e as { code?: string })?.code ?? '';
  return ['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT'].includes(code);
}

/**
 * What the caller gets for a model server's non-2xx answer. A refusal of the
 * request itself (400, 409, 413, 422: bad instances) is the caller's to fix, so
 * it is a 400 carrying the server's own message; a 429 stays a 429; anything
 * else (401/403: Rouge and the server disagree on credentials; 404: a wrong
 * predictRoute; 5xx) is the deployment's fault: 502.
 */
export function upstreamFailure(res: { status: number; body: Buffer; upstream: string }): Error {
  if (res.status === 429) return errors.UPSTREAM_BUSY({ upstream: res.upstream }, { headers: { 'retry-after': '1' } });
  if (CALLERS_FAULT.has(res.status)) {
    return errors.UPSTREAM_REJECTED({ upstream: res.upstream, status: res.status, message: upstreamMessage(res.body) });
  }
  return errors.UPSTREAM_ERROR({ upstream: res.upstream, status: res.status });
}

const CALLERS_FAULT = new Set([400, 409, 413, 422]);

/** The message of an error body: `{"error": "..."}`, `{"error": {"message"}}`, `{"detail"}` (FastAPI), or the text itself, cut to 500 characters. */
function upstreamMessage(body: Buffer): string {
  const text = body.toString('utf8').trim();
  let message: unknown = text;
  try {
    const j = JSON.parse(text) as { error?: unknown; detail?: unknown; message?: unknown };
    const e = j.error as { message?: unknown } | string | undefined;
    message = typeof e === 'string' ? e : (e?.message ?? j.detail ?? j.message ?? text);
  } catch {
    /* not JSON: the text as it is */
  }
  const s = typeof message === 'string' ? message : JSON.stringify(message);
  return (s.length > 500 ? `${s.slice(0, 500)}...` : s) || '(no message)';
}

/**
 * `route` under the upstream's base URL, keeping any path the base has
 * (`http://gw/models/ctr` + `/predict` is `http://gw/models/ctr/predict`;
 * resolving with `new URL(route, base)` would drop `/models/ctr`).
 */
export function upstreamUrl(upstream: string, route: string): URL {
  const base = new URL(upstream);
  return new URL(`${base.origin}${base.pathname.replace(/\/+$/, '')}${route}`);
}

/**
 * A custom model server behind an endpoint (framework `http`, Vertex's custom
 * containers): requests go to the upstreams round-robin, skipping those whose
 * health check failed; a connection failure is retried on the next upstream,
 * nothing else is (a request that reached a model may have had effects); every
 * call is bounded by the spec's timeout. See docs/serving.md for the contract.
 */
export class HttpModel implements ServedModel {
  readonly framework = 'http';
  readonly signature: Signature | undefined = undefined;
  readonly deployedModelId: string;
  readonly model: string;
  readonly versionId: string;
  readonly displayName: string;
  private next = 0;
  private readonly healthy: boolean[];
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly info: HttpModelInfo) {
    this.deployedModelId = info.deployedModelId;
    this.model = info.model;
    this.versionId = info.versionId;
    this.displayName = info.displayName;
    this.healthy = info.spec.upstreams.map(() => true);
    this.timer = setInterval(() => void this.checkHealth(), 5000);
    this.timer.unref();
  }

  /** Probes every upstream's health route; resolves to the number that answered 2xx. */
  async checkHealth(): Promise<number> {
    const results = await Promise.all(this.info.spec.upstreams.map(async (u, i) => {
      try {
        const res = await fetch(upstreamUrl(u, this.info.spec.healthRoute), { signal: AbortSignal.timeout(Math.min(this.info.spec.timeoutMs, 2000)) });
        await res.arrayBuffer();
        this.healthy[i] = res.ok;
      } catch {
        this.healthy[i] = false;
      }
      return this.healthy[i];
    }));
    return results.filter(Boolean).length;
  }

  private order(): number[] {
    const n = this.info.spec.upstreams.length;
    const start = this.next++ % n;
    const all = Array.from({ length: n }, (_, k) => (start + k) % n);
    const up = all.filter((i) => this.healthy[i]);
    return up.length > 0 ? up : all;
  }

  private async send(body: Buffer | string, contentType: string): Promise<{ status: number; contentType: string; body: Buffer; upstream: string }> {
    const { spec } = this.info;
    let lastError: unknown;
    let lastUpstream = spec.upstreams[0]!;
    for (const i of this.order()) {
      const upstream = spec.upstreams[i]!;
      lastUpstream = upstream;
      try {
        const res = await fetch(upstreamUrl(upstream, spec.predictRoute), {
          method: 'POST',
          headers: { 'content-type': contentType, 'x-rouge-endpoint': `${this.info.project}.${this.info.endpoint}`, 'x-rouge-deployed-model-id': this.deployedModelId },
          body,
          signal: AbortSignal.timeout(spec.timeoutMs),
        });
        return { status: res.status, contentType: res.headers.get('content-type') ?? 'application/octet-stream', body: Buffer.from(await res.arrayBuffer()), upstream };
      } catch (e) {
        if ((e as Error).name === 'TimeoutError') throw errors.UPSTREAM_TIMEOUT({ upstream, timeoutMs: spec.timeoutMs });
        if (!isConnectionFailure(e)) throw errors.UPSTREAM_UNAVAILABLE({ upstream, why: (e as Error).message });
        this.healthy[i] = false;
        lastError = e;
      }
    }
    const why = (lastError as { cause?: { code?: string } })?.cause?.code ?? (lastError as Error)?.message ?? 'no upstream answered';
    throw errors.UPSTREAM_UNAVAILABLE({ upstream: lastUpstream, why });
  }

  async predict(instances: unknown[], parameters: unknown): Promise<unknown[]> {
    const res = await this.send(JSON.stringify({ instances, ...(parameters === undefined ? {} : { parameters }) }), 'application/json');
    if (res.status < 200 || res.status >= 300) throw upstreamFailure(res);
    let parsed: { predictions?: unknown };
    try {
      parsed = JSON.parse(res.body.toString('utf8')) as { predictions?: unknown };
    } catch {
      throw errors.UPSTREAM_ERROR({ upstream: res.upstream, status: res.status });
    }
    if (!Array.isArray(parsed.predictions)) throw errors.UPSTREAM_ERROR({ upstream: res.upstream, status: res.status });
    return parsed.predictions;
  }

  async infer(_request: OipRequest): Promise<OipTensor[]> {
    throw errors.INPUT_INVALID({ why: 'this deployed model is a custom HTTP model server', signature: 'Vertex :predict or :rawPredict requests' });
  }

  async rawPredict(body: Buffer, contentType: string): Promise<{ status: number; contentType: string; body: Buffer }> {
    const { status, contentType: ct, body: b } = await this.send(body, contentType);
    return { status, contentType: ct, body: b };
  }

  async warm(): Promise<void> {
    // A plain Error: the deploy job wraps what went wrong in DEPLOY_FAILED itself.
    if ((await this.checkHealth()) === 0) throw new Error(`no upstream answered ${this.info.spec.healthRoute} with 2xx (${this.info.spec.upstreams.join(', ')})`);
  }

  async release(): Promise<void> {
    clearInterval(this.timer);
  }
}
