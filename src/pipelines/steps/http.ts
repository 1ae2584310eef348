import { outboundRequest, outboundUrl, OutboundError, type AddressPolicy } from '../../platform/index.js';
import type { StepKind } from '../kinds.js';

const MAX_BODY = 1024 * 1024;
const SHOWN = 64 * 1024;

/**
 * Calls a URL (a notification, another system's API). Private, loopback,
 * link-local and metadata addresses are refused unless `--fetch-allow-cidr`
 * allows them, checked on the address actually connected; redirects are not
 * followed (a 3xx is an answer). A status outside `expectStatus` (2xx by
 * default) fails the step, so its retries apply.
 */
export function httpStep(policy: AddressPolicy): StepKind {
  return {
    kind: 'http',
    description: 'call a URL (GET, POST, PUT, DELETE) with an optional JSON body; private addresses are refused unless allowed',
    inputs: {
      type: 'object', additionalProperties: false, required: ['url'],
      properties: {
        url: { type: 'string', maxLength: 2000 },
        method: { enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] },
        headers: { type: 'object', additionalProperties: { type: 'string', maxLength: 4000 } },
        body: {},
        expectStatus: { type: 'array', items: { type: 'integer', minimum: 100, maximum: 599 }, minItems: 1 },
        timeoutSeconds: { type: 'integer', minimum: 1, maximum: 600 },
      },
    },
    async run(inputs, ctx) {
      const method = (inputs.method as string | undefined) ?? (inputs.body === undefined ? 'GET' : 'POST');
      const body = inputs.body === undefined ? undefined : Buffer.from(typeof inputs.body === 'string' ? inputs.body : JSON.stringify(inputs.body));
      const headers: Record<string, string> = { 'user-agent': 'Rouge-Pipelines/1', ...(body && typeof inputs.body !== 'string' ? { 'content-type': 'application/json' } : {}), ...((inputs.headers as Record<string, string> | undefined) ?? {}) };
      let res;
      try {
        res = await outboundRequest(outboundUrl(String(inputs.url)), policy, { method, headers, ...(body ? { body } : {}), maxBytes: MAX_BODY, deadline: Date.now() + ((inputs.timeoutSeconds as number | undefined) ?? 30) * 1000 });
      } catch (e) {
        if (e instanceof OutboundError) throw new Error(`${method} ${String(inputs.url).slice(0, 200)}: ${e.message}`);
        throw e;
      }
      const expect = (inputs.expectStatus as number[] | undefined) ?? [];
      const ok = expect.length ? expect.includes(res.status) : res.status >= 200 && res.status < 300;
      const text = res.bytes.subarray(0, SHOWN).toString('utf8');
      await ctx.log(`${method} ${String(inputs.url).slice(0, 200)}: ${res.status}`);
      if (!ok) throw new Error(`${method} ${String(inputs.url).slice(0, 200)} answered ${res.status}${expect.length ? ` (expected ${expect.join(' or ')})` : ''}: ${text.slice(0, 300)}`);
      let parsed: unknown = text;
      if (String(res.headers['content-type'] ?? '').includes('json')) {
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = text;
        }
      }
      return { status: res.status, body: parsed };
    },
  };
}
