import { outboundRequest, outboundUrl, OutboundError, type AddressPolicy } from '../platform/index.js';

export interface FetchLimits {
  maxBytes: number;
  timeoutMs: number;
  maxRedirects: number;
}

export const DEFAULT_LIMITS: FetchLimits = { maxBytes: 20 * 1024 * 1024, timeoutMs: 10_000, maxRedirects: 3 };

/** Why an image could not be fetched, as a stable code and a sentence for the run's results. */
export class FetchError extends Error {
  constructor(readonly code: OutboundError['code'] | 'too_many_redirects' | 'http_status' | 'not_an_image', message: string) {
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
  try {
    let current = outboundUrl(url);
    for (let hop = 0; ; hop++) {
      const res = await outboundRequest(current, policy, { headers: { accept: 'image/*', 'user-agent': 'Rouge-ImageFetcher/1' }, maxBytes: limits.maxBytes, deadline, trusted: allowUrl(current) });
      const location = res.headers.location;
      if (res.status >= 300 && res.status < 400 && location) {
        if (hop >= limits.maxRedirects) throw new FetchError('too_many_redirects', `more than ${limits.maxRedirects} redirects, the last to ${location.slice(0, 200)}`);
        current = outboundUrl(new URL(location, current).toString());
        continue;
      }
      if (res.status !== 200) throw new FetchError('http_status', `the server answered ${res.status}`);
      return { bytes: res.bytes, contentType: String(res.headers['content-type'] ?? ''), url: current.toString() };
    }
  } catch (e) {
    if (e instanceof OutboundError) throw new FetchError(e.code, e.code === 'timeout' ? `no complete answer within ${limits.timeoutMs} ms` : e.message);
    throw e;
  }
}

