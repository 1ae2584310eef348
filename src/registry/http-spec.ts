import * as errors from './errors.js';

/** The spec of a custom model server (framework `http`), used by serving's http runtime. */
export interface HttpModelSpec {
  upstreams: string[];
  predictRoute: string;
  healthRoute: string;
  timeoutMs: number;
}

/** Checks and fills defaults: `/predict` and `/health` routes, a 10 s timeout. */
export function validateHttpSpec(spec: unknown): Record<string, unknown> {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) throw errors.SPEC_INVALID({ why: 'metadata.spec must be an object {upstreams, predictRoute?, healthRoute?, timeoutMs?}' });
  const s = spec as Record<string, unknown>;
  const known = new Set(['upstreams', 'predictRoute', 'healthRoute', 'timeoutMs']);
  for (const k of Object.keys(s)) if (!known.has(k)) throw errors.SPEC_INVALID({ why: `unknown field spec.${k}` });
  const upstreams = s.upstreams;
  if (!Array.isArray(upstreams) || upstreams.length === 0 || upstreams.length > 32) throw errors.SPEC_INVALID({ why: 'spec.upstreams must list 1 to 32 base URLs' });
  for (const u of upstreams) {
    let url: URL;
    try {
      url = new URL(String(u));
    } catch {
      throw errors.SPEC_INVALID({ why: `spec.upstreams holds ${JSON.stringify(u)}, which is not a URL` });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw errors.SPEC_INVALID({ why: `upstream ${JSON.stringify(u)} must be http or https` });
  }
  const route = (key: string, fallback: string) => {
    const v = s[key] ?? fallback;
    if (typeof v !== 'string' || !/^\/[\x21-\x7e]{0,511}$/.test(v)) throw errors.SPEC_INVALID({ why: `spec.${key} must be a path starting with /` });
    return v;
  };
  const timeoutMs = s.timeoutMs ?? 10_000;
  if (typeof timeoutMs !== 'number' || !Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 600_000) throw errors.SPEC_INVALID({ why: 'spec.timeoutMs must be an integer from 1 to 600000' });
  const out: HttpModelSpec = { upstreams: upstreams.map(String), predictRoute: route('predictRoute', '/predict'), healthRoute: route('healthRoute', '/health'), timeoutMs };
  return out as unknown as Record<string, unknown>;
}
