import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { AddressPolicy } from './address-policy.js';

export interface FetchLimits {
  maxBytes: number;
  timeoutMs: number;
  maxRedirects: number;
}

export const DEFAULT_LIMITS: FetchLimits = { maxBytes: 20 * 1024 * 1024, timeoutMs: 10_000, maxRedirects: 3 };

/** Why an image could not be fetched, as a stable code and a sentence for the run's results. */
export class FetchError extends Error {
  constructor(readonly code: 'blocked_address' | 'bad_url' | 'timeout' | 'too_large' | 'too_many_redirects' | 'http_status' | 'not_an_image' | 'network', message: string) {
    super(message);
  }
}

export interface FetchedImage {
  bytes: Buffer;
  contentType: string;
  /** The URL the bytes came from, after redirects. */
  url: string;
}

/**
 * Fetches an image URL without letting it become a way into the network Rouge
 * runs in: every connection's address is checked as DNS answers it, on the
 * address actually connected to (so a name that resolves to a public address
 * once and a private one the next time, DNS rebinding, gains nothing), again
 * on every redirect, which is followed by hand. The body is cut off past
 * `maxBytes`, the whole fetch past `timeoutMs`. `allowUrl` lets through
 * exact URL prefixes the deployment trusts (the demo's own images).
 */
export async function fetchImage(url: string, policy: AddressPolicy, limits: FetchLimits = DEFAULT_LIMITS, allowUrl: (u: URL) => boolean = () => false): Promise<FetchedImage> {
  const deadline = Date.now() + limits.timeoutMs;
  let current = parse(url);
  for (let hop = 0; ; hop++) {
    const res = await get(current, policy, limits, deadline, allowUrl(current));
    if (res.redirect) {
      if (hop >= limits.maxRedirects) throw new FetchError('too_many_redirects', `more than ${limits.maxRedirects} redirects, the last to ${res.redirect.slice(0, 200)}`);
      current = parse(new URL(res.redirect, current).toString());
      continue;
    }
    return { bytes: res.bytes!, contentType: res.contentType ?? '', url: current.toString() };
  }
}

function parse(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new FetchError('bad_url', `${JSON.stringify(url.slice(0, 200))} is not a URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new FetchError('bad_url', `${u.protocol} URLs are not fetched; use http or https`);
  if (u.username || u.password) throw new FetchError('bad_url', 'URLs with credentials are not fetched');
  return u;
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
        return (callback as (e: Error | null, a: string, f?: number) => void)(new FetchError('blocked_address', `${hostname} resolves to ${why}: not fetched (allow it with --fetch-allow-cidr)`), '', 0);
      }
      if ((options as { all?: boolean }).all) (callback as (e: null, a: LookupAddress[]) => void)(null, ok);
      else (callback as (e: null, a: string, f: number) => void)(null, ok[0]!.address, ok[0]!.family);
    });
  };
}

function get(u: URL, policy: AddressPolicy, limits: FetchLimits, deadline: number, trusted: boolean): Promise<{ redirect?: string; bytes?: Buffer; contentType?: string }> {
  return new Promise((resolve, reject) => {
    const left = deadline - Date.now();
    if (left <= 0) return reject(new FetchError('timeout', `no answer within ${limits.timeoutMs} ms`));
    // A literal IP in the URL never goes through DNS: check it here.
    const host = u.hostname.replace(/^\[|\]$/g, '');
    if (!trusted && /^[\d.]+$|:/.test(host)) {
      const why = policy.refuse(host);
      if (why) return reject(new FetchError('blocked_address', `${why}: not fetched (allow it with --fetch-allow-cidr)`));
    }
    const client = u.protocol === 'https:' ? https : http;
    const req = client.get(u, { lookup: guardedLookup(policy, trusted), headers: { accept: 'image/*', 'user-agent': 'Rouge-ImageFetcher/1' }, agent: false }, (res) => {
      // Belt and braces: the address the socket reached, whatever resolved it.
      const remote = res.socket.remoteAddress;
      if (!trusted && remote && policy.refuse(remote)) {
        res.destroy();
        return reject(new FetchError('blocked_address', `${policy.refuse(remote)}: not fetched`));
      }
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        return resolve({ redirect: res.headers.location });
      }
      if (status !== 200) {
        res.resume();
        return reject(new FetchError('http_status', `the server answered ${status}`));
      }
      const declared = Number(res.headers['content-length'] ?? 0);
      if (declared > limits.maxBytes) {
        res.destroy();
        return reject(new FetchError('too_large', `${declared} bytes is over the ${limits.maxBytes}-byte limit`));
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > limits.maxBytes) {
          res.destroy();
          reject(new FetchError('too_large', `over the ${limits.maxBytes}-byte limit`));
          return;
        }
        chunks.push(c);
      });
      res.on('end', () => resolve({ bytes: Buffer.concat(chunks), contentType: String(res.headers['content-type'] ?? '') }));
      res.on('error', (e) => reject(new FetchError('network', e.message)));
    });
    const timer = setTimeout(() => req.destroy(new FetchError('timeout', `no complete answer within ${limits.timeoutMs} ms`)), left);
    req.on('close', () => clearTimeout(timer));
    req.on('error', (e) => reject(e instanceof FetchError ? e : (e as { cause?: unknown }).cause instanceof FetchError ? (e as { cause: FetchError }).cause : new FetchError('network', e.message)));
  });
}
