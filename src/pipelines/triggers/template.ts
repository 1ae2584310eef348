/** What a trigger's parameter templates may read, per firing. */
export interface FiringContext {
  schedule?: { time: string; date: string };
  event?: { id: string; source: string; type: string; subject?: string | null; time: string; data: unknown };
}

const EXPR = /\$\{\{\s*([a-zA-Z0-9_.]+)\s*\}\}/g;
const ROOTS: Record<string, string[]> = { schedule: ['schedule'], event: ['event'], http: [] };

/**
 * Why a trigger's parameter templates cannot work for its kind (a schedule
 * reads `schedule.time|date`; an event trigger `event.id|source|type|subject|time|data.<path>`),
 * or undefined.
 */
export function templateProblem(parameters: Record<string, unknown>, kind: 'schedule' | 'event' | 'http'): string | undefined {
  for (const [k, v] of Object.entries(parameters)) {
    if (typeof v !== 'string') continue;
    for (const m of v.matchAll(EXPR)) {
      const path = m[1]!.split('.');
      const ok = ROOTS[kind]!.includes(path[0]!) && (path[0] === 'schedule' ? path.length === 2 && ['time', 'date'].includes(path[1]!) : path.length >= 2 && ['id', 'source', 'type', 'subject', 'time', 'data'].includes(path[1]!) && (path[1] === 'data' || path.length === 2));
      if (!ok) return `parameter ${k}: \${{ ${m[1]} }} is not something a ${kind} trigger knows (${kind === 'schedule' ? 'schedule.time, schedule.date' : kind === 'event' ? 'event.id, event.source, event.type, event.subject, event.time, event.data.<field>' : 'an HTTP trigger takes its parameters from the request body'})`;
    }
  }
  return undefined;
}

/**
 * The trigger's parameters for one firing: a value that is exactly one
 * `${{ ... }}` takes the referenced value with its type (a number in the
 * event's data stays a number); one with text around it becomes text.
 */
export function fillParameters(parameters: Record<string, unknown>, ctx: FiringContext): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(parameters)) {
    if (typeof v !== 'string' || !v.includes('${{')) {
      out[k] = v;
      continue;
    }
    const whole = /^\$\{\{\s*([a-zA-Z0-9_.]+)\s*\}\}$/.exec(v);
    const value = whole ? lookup(ctx, whole[1]!) : v.replace(EXPR, (_, p: string) => String(lookup(ctx, p) ?? ''));
    // A field the event lacks leaves the parameter to the pipeline's default (or to a clear "required" error).
    if (value !== undefined && value !== null) out[k] = typeof value === 'object' ? JSON.stringify(value) : value;
  }
  return out;
}

function lookup(ctx: FiringContext, path: string): unknown {
  let cur: unknown = ctx;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, part)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}
