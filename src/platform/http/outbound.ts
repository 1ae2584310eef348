import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { AddressPolicy } from './address-policy.js';

/** Why an outbound request failed, as a stable code and a sentence. */
export class OutboundError extends Error {
  constructor(readonly code: 'blocked_address' | 'bad_url' | 'timeout' | 'too_large' | 'network', message: string) {
    super(message);
  }
}

export interface OutboundRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer;
  maxBytes: number;
  /** Epoch milliseconds by which the whole answer must have arrived. */
  deadline: number;
  /** Skip the address checks (a URL the deployment trusts, such as the demo's own images). */
  trusted?: boolean;
}

export interface OutboundResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  bytes: Buffer;
}

/** A URL an outbound request may take: http or https, without credentials. */
export function outboundUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new OutboundError('bad_url', `${JSON.stringify(url.slice(0, 200))} is not a URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new OutboundError('bad_url', `${u.protocol} URLs are not fetched; use http or https`);
  if (u.username || u.password) throw new OutboundError('bad_url', 'URLs with credentials are not fetched');
  return u;
}

/**
 * One HTTP request out of Rouge that cannot become a way into the network it
 * runs in: every address is checked as DNS answers it and again on the
 * socket actually connected (so DNS rebinding gains nothing), a literal IP in
 * the URL too; the body is cut off past `maxBytes` and the whole exchange
 * past the deadline. Redirects are answers here (status and Location):
 * a caller that follows one calls again, so each hop is checked.
 */
export function outboundRequest(u: URL, policy: AddressPolicy, o: OutboundRequest): Promise<OutboundResponse> {
  return new Promise((resolve, reject) => {
    const left = o.deadline - Date.now();
    if (left <= 0) return reject(new OutboundError('timeout', 'no answer before the deadline'));
    const host = u.hostname.replace(/^\[|\]$/g, '');
    if (!o.trusted && /^[\d.]+$|:/.test(host)) {
      const why = policy.refuse(host);
      if (why) return reject(new OutboundError('blocked_address', `${why}: not fetched (allow it with --fetch-allow-cidr)`));
    }
    const client = u.protocol === 'https:' ? https : http;
    const req = client.request(u, { method: o.method ?? 'GET', lookup: guardedLookup(policy, o.trusted === true), headers: { ...(o.headers ?? {}), ...(o.body ? { 'content-length': String(o.body.length) } : {}) }, agent: false }, (res) => {
      const remote = res.socket.remoteAddress;
      if (!o.trusted && remote && policy.refuse(remote)) {
        res.destroy();
        return reject(new OutboundError('blocked_address', `${policy.refuse(remote)}: not fetched`));
      }
      const declared = Number(res.headers['content-length'] ?? 0);
      if (declared > o.maxBytes) {
        res.destroy();
        return reject(new OutboundError('too_large', `${declared} bytes is over the ${o.maxBytes}-byte limit`));
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > o.maxBytes) {
          res.destroy();
          reject(new OutboundError('too_large', `over the ${o.maxBytes}-byte limit`));
          return;
        }
        chunks.push(c);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes: Buffer.concat(chunks) }));
      res.on('error', (e) => reject(new OutboundError('network', e.message)));
    });
    const timer = setTimeout(() => req.destroy(new OutboundError('timeout', 'no complete answer before the deadline')), left);
    req.on('close', () => clearTimeout(timer));
    req.on('error', (e) => reject(e instanceof OutboundError ? e : (e as { cause?: unknown }).cause instanceof OutboundError ? (e as { cause: OutboundError }).cause : new OutboundError('network', e.message)));
    req.end(o.body);
  });
}

/** A lookup that hands the socket only addresses the policy accepts. */
function guardedLookup(policy: AddressPolicy, trusted: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return (callback as (e: Error | null, a: string | LookupAddress[], f?: number) => void)(err, '', 0);
      const list = addresses as LookupAddress[];
      const ok = trusted ? list : list.filter((a) => policy.refuse(a.address) === undefined);
      if (ok.length === 0) {
        const why = list[0] ? policy.refuse(list[0].address) ?? 'no usable address' : 'no address';
        return (callback as (e: Error | null, a: string, f?: number) => void)(new OutboundError('blocked_address', `${hostname} resolves to ${why}: not fetched (allow it with --fetch-allow-cidr)`), '', 0);
      }
      if ((options as { all?: boolean }).all) (callback as (e: null, a: LookupAddress[]) => void)(null, ok);
      else (callback as (e: null, a: string, f: number) => void)(null, ok[0]!.address, ok[0]!.family);
    });
  };
}
