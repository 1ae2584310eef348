import { PlatformErrors as E } from '../errors/index.js';

/**
 * Reads an AIP-134 `updateMask` (comma-separated field names) and refuses a
 * name the resource cannot update, rather than answering 200 and changing
 * nothing but `updateTime`. An empty mask means "every field sent".
 *
 * @example
 * const fields = readUpdateMask(request.query.updateMask, ['displayName', 'description', 'labels']);
 */
export function readUpdateMask(mask: string | undefined, allowed: readonly string[]): string[] {
  const fields = (mask ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const f of fields) {
    if (!allowed.includes(f)) {
      throw E.INVALID_FIELD({ message: `Invalid query.updateMask: ${JSON.stringify(f)} is not a field this call updates; use ${allowed.join(', ')}.` }, { fieldViolations: [{ field: 'query.updateMask', description: `unknown field ${f}` }] });
    }
  }
  return fields;
}
