import { createHmac, timingSafeEqual } from 'node:crypto';

/** How far a signature's time may be from the server's clock, either way (Stripe's default tolerance). */
export const SIGNATURE_TOLERANCE_S = 300;

/** Also what a call to a trigger that does not exist hears, so a caller without the secret cannot tell the two apart. */
export const MISMATCH = 'no v1 signature matches: sign "<t>.<raw body>" with HMAC-SHA256 and the signing secret of the HTTP trigger at this URL, over the body exactly as sent';

export type SignatureVerdict = { ok: true; t: number; v1: string } | { ok: false; why: 'malformed' | 'stale' | 'mismatch'; message: string };

/**
 * Checks `Rouge-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`
 * (Stripe's scheme): the signed time must be within five minutes of now, so a
 * captured request stops working; several `v1` values are allowed (a sender
 * signing with an old and a new secret while rotating), any one may match.
 */
export function verifySignature(header: string, rawBody: Buffer, secret: string, nowMs: number): SignatureVerdict {
  let t: number | undefined;
  const v1: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    const k = part.slice(0, eq).trim();
    const v = part.slice(eq + 1).trim();
    if (k === 't' && /^\d{1,12}$/.test(v)) t = Number(v);
    else if (k === 'v1' && /^[0-9a-f]{64}$/i.test(v)) v1.push(v.toLowerCase());
  }
  if (t === undefined || v1.length === 0) return { ok: false, why: 'malformed', message: 'the Rouge-Signature header must be t=<unix seconds>,v1=<64 hex digits>' };
  const want = Buffer.from(sign(secret, t, rawBody), 'hex');
  const match = v1.find((v) => timingSafeEqual(Buffer.from(v, 'hex'), want));
  if (!match) return { ok: false, why: 'mismatch', message: MISMATCH };
  // Staleness is judged only for a signature made with the secret: a guesser learns nothing from it.
  if (Math.abs(nowMs / 1000 - t) > SIGNATURE_TOLERANCE_S) {
    return { ok: false, why: 'stale', message: `the signature's time t=${t} is more than ${SIGNATURE_TOLERANCE_S} s from the server's clock (${Math.floor(nowMs / 1000)}): sign each request when sending it, and check the sender's clock` };
  }
  return { ok: true, t, v1: match };
}

/** The hex HMAC-SHA256 of `<t>.<body>`: what a sender puts after `v1=`. */
export function sign(secret: string, t: number, body: Buffer | string): string {
  return createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex');
}

/** A whole header value, for clients and tests. */
export function signatureHeader(secret: string, body: Buffer | string, nowMs = Date.now()): string {
  const t = Math.floor(nowMs / 1000);
  return `t=${t},v1=${sign(secret, t, body)}`;
}
