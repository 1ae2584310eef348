import * as errors from './errors.js';

/** An event as posted: the CloudEvents context attributes and its data. */
export interface PostedEvent {
  id: string;
  source: string;
  type: string;
  subject?: string;
  time?: string;
  data: unknown;
}

const STRUCTURED = 'application/cloudevents+json';
const BATCH = 'application/cloudevents-batch+json';

/**
 * Reads the CloudEvents HTTP binding: binary mode (`ce-*` headers, the body
 * as data), structured mode (`application/cloudevents+json`, the whole event
 * in the body) and batched mode (a JSON array of structured events). Refuses
 * an event missing a required attribute, of another specversion, or of a
 * `rouge.*` type or Rouge's own `//rouge/` source: no caller can forge a
 * platform event.
 */
export function readCloudEvents(headers: Record<string, string | string[] | undefined>, body: Buffer): PostedEvent[] {
  const contentType = String(headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (contentType === STRUCTURED || contentType === BATCH) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch (e) {
      throw errors.EVENT_INVALID({ why: `the body is not JSON (${(e as Error).message})` });
    }
    if (contentType === BATCH) {
      if (!Array.isArray(parsed) || parsed.length === 0 || parsed.length > 100) throw errors.EVENT_INVALID({ why: 'a batch is a JSON array of 1 to 100 events' });
      return parsed.map((e, i) => structured(e, `event ${i}: `));
    }
    return [structured(parsed, '')];
  }
  const h = (name: string) => {
    const v = headers[`ce-${name}`];
    return Array.isArray(v) ? v[0] : v;
  };
  if (h('specversion') === undefined && h('id') === undefined) {
    throw errors.EVENT_INVALID({ why: 'it has neither ce-* headers (binary mode) nor Content-Type application/cloudevents+json (structured mode)' });
  }
  const attrs = { id: h('id'), source: h('source'), specversion: h('specversion'), type: h('type'), subject: h('subject'), time: h('time') };
  const text = body.toString('utf8');
  let data: unknown = text.length === 0 ? null : text;
  if (text.length > 0 && (contentType === 'application/json' || contentType.endsWith('+json'))) {
    try {
      data = JSON.parse(text);
    } catch (e) {
      throw errors.EVENT_INVALID({ why: `its data is declared JSON but is not (${(e as Error).message})` });
    }
  }
  return [checked(attrs, data, '')];
}

function structured(e: unknown, at: string): PostedEvent {
  if (e === null || typeof e !== 'object' || Array.isArray(e)) throw errors.EVENT_INVALID({ why: `${at}a structured event is a JSON object` });
  const o = e as Record<string, unknown>;
  let data: unknown = o.data ?? null;
  if (o.data_base64 !== undefined) data = typeof o.data_base64 === 'string' ? Buffer.from(o.data_base64, 'base64').toString('utf8') : null;
  return checked(o, data, at);
}

function checked(o: Record<string, unknown>, data: unknown, at: string): PostedEvent {
  for (const k of ['id', 'source', 'specversion', 'type']) {
    if (typeof o[k] !== 'string' || (o[k] as string).length === 0) throw errors.EVENT_INVALID({ why: `${at}the required attribute ${k} is missing or empty` });
  }
  for (const k of ['id', 'source', 'specversion', 'type', 'subject', 'time']) {
    const v = o[k];
    if (typeof v !== 'string') continue;
    // Bytes, not characters: the attributes are index keys, and PostgreSQL text holds no NUL.
    if (Buffer.byteLength(v) > 512) throw errors.EVENT_INVALID({ why: `${at}${k} is longer than 512 bytes` });
    if (v.includes('\u0000')) throw errors.EVENT_INVALID({ why: `${at}${k} holds a NUL character` });
  }
  if (o.specversion !== '1.0') throw errors.EVENT_INVALID({ why: `${at}specversion must be "1.0"; got ${JSON.stringify(o.specversion)}` });
  if (o.subject !== undefined && typeof o.subject !== 'string') throw errors.EVENT_INVALID({ why: `${at}subject must be a string` });
  if (o.time !== undefined && (typeof o.time !== 'string' || Number.isNaN(Date.parse(o.time)))) throw errors.EVENT_INVALID({ why: `${at}time must be an RFC 3339 timestamp` });
  const type = o.type as string;
  const source = o.source as string;
  if (type === 'rouge' || type.startsWith('rouge.')) throw errors.EVENT_FORGED({ what: `The type ${type}` });
  if (source.startsWith('//rouge/') || source.startsWith('rouge:')) throw errors.EVENT_FORGED({ what: `The source ${source}` });
  return { id: o.id as string, source, type, ...(typeof o.subject === 'string' ? { subject: o.subject } : {}), ...(typeof o.time === 'string' ? { time: o.time } : {}), data };
}
