import { invalid } from './errors.js';

/*
 * Topsort's request shapes, checked by hand rather than by a route schema:
 * each refusal must carry Topsort's own errCode (missing_slots,
 * too_many_auctions...), which a generic schema error cannot.
 */

type Json = Record<string, unknown>;

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Refuses fields outside `allowed`, naming the first. */
export function onlyFields(v: Json, allowed: readonly string[], where: string): void {
  for (const k of Object.keys(v)) {
    if (!allowed.includes(k)) throw invalid('bad_request', `${where}.${k} is not a field Rouge takes (${allowed.join(', ')})`);
  }
}

export function text(v: unknown, where: string, errCode = 'bad_request', max = 1000): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > max) throw invalid(errCode, `${where} must be a string of 1 to ${max} characters`);
  return v;
}

export function list(v: unknown, where: string, min: number, max: number, tooFew = 'bad_request', tooMany = 'bad_request'): unknown[] {
  if (!Array.isArray(v)) throw invalid(min > 0 && v === undefined ? tooFew : 'bad_request', `${where} must be a list of ${min} to ${max}`);
  if (v.length < min) throw invalid(tooFew, `${where} has ${v.length} entries; it needs at least ${min}`);
  if (v.length > max) throw invalid(tooMany, `${where} has ${v.length} entries; at most ${max} are allowed`);
  return v;
}

/** An RFC 3339 time with an offset, as Topsort's `occurredAt`. */
export function time(v: unknown, where: string): string {
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(v) || Number.isNaN(Date.parse(v))) {
    throw invalid('bad_request', `${where} must be an RFC 3339 time with an offset, such as 2026-12-06T14:03:07Z`);
  }
  return v;
}
