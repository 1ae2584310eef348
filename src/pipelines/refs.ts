/** `${{ parameters.since }}` or `${{ steps.train.outputs.versionId }}`, with optional spaces. */
const REF = /\$\{\{\s*([A-Za-z0-9_.@-]+)\s*\}\}/g;
const WHOLE = /^\$\{\{\s*([A-Za-z0-9_.@-]+)\s*\}\}$/;

/** A reference found in a step's inputs. */
export type Ref = { kind: 'parameter'; name: string } | { kind: 'step'; step: string; path: string[] };

/** What an expression names, or why it names nothing a pipeline has. */
export function parseRef(expr: string): Ref | { error: string } {
  const parts = expr.split('.');
  if (parts[0] === 'parameters' && parts.length === 2) return { kind: 'parameter', name: parts[1]! };
  if (parts[0] === 'steps' && parts.length >= 4 && parts[2] === 'outputs') return { kind: 'step', step: parts[1]!, path: parts.slice(3) };
  return { error: `\${{ ${expr} }} names nothing: use \${{ parameters.NAME }} or \${{ steps.STEP.outputs.KEY }}` };
}

/** Every reference in a value (strings inside objects and arrays too). */
export function refsIn(value: unknown): string[] {
  if (typeof value === 'string') return [...value.matchAll(REF)].map((m) => m[1]!);
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(refsIn);
  return [];
}

/**
 * A step's inputs with references replaced: a string that is one reference
 * takes the referenced value as it is (a number stays a number); references
 * inside a longer string are written into it.
 */
export function resolveRefs(value: unknown, scope: { parameters: Record<string, unknown>; outputs: Record<string, Record<string, unknown>> }): unknown {
  const lookup = (expr: string): unknown => {
    const r = parseRef(expr);
    if ('error' in r) throw new Error(r.error);
    if (r.kind === 'parameter') return scope.parameters[r.name];
    let v: unknown = scope.outputs[r.step];
    for (const k of r.path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
    if (v === undefined) throw new Error(`step ${r.step} has no output ${r.path.join('.')}`);
    return v;
  };
  if (typeof value === 'string') {
    const whole = WHOLE.exec(value);
    if (whole) return lookup(whole[1]!);
    return value.replace(REF, (_m, expr: string) => {
      const v = lookup(expr);
      return typeof v === 'string' ? v : JSON.stringify(v);
    });
  }
  if (Array.isArray(value)) return value.map((v) => resolveRefs(v, scope));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveRefs(v, scope)]));
  return value;
}
