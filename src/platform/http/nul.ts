/**
 * The JSON pointer of the first string (value or key) holding a NUL character,
 * or undefined. PostgreSQL cannot store NUL in text, and no name, title or
 * description needs one, so every store refuses it the same way, at validation,
 * naming the field. Iterative, so a hostile nesting depth cannot overflow the stack.
 */
export function nulPointer(value: unknown): string | undefined {
  // Nearly every request holds no NUL: find that out without building a path per value (this runs on
  // every validated body, params and query), and build paths only to name the one that does.
  if (typeof value === 'string' ? !value.includes('\u0000') : !hasNul(value)) return undefined;
  const stack: Array<[unknown, string]> = [[value, '']];
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return path;
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) if (typeof v[i] !== 'number') stack.push([v[i], `${path}/${i}`]);
    } else if (v !== null && typeof v === 'object') {
      for (const k of Object.keys(v)) {
        if (k.includes('\u0000')) return `${path}/${k.replace(/\u0000/g, '\\u0000')}`;
        stack.push([(v as Record<string, unknown>)[k], `${path}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`]);
      }
    }
  }
  return undefined;
}

/** Whether a NUL character is in any string or key of a JSON value; iterative, like nulPointer. */
function hasNul(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return true;
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) if (typeof v[i] !== 'number') stack.push(v[i]);
    } else if (v !== null && typeof v === 'object') {
      for (const k in v) {
        if (k.includes('\u0000')) return true;
        stack.push((v as Record<string, unknown>)[k]);
      }
    }
  }
  return false;
}

/** The Ajv-shaped error for a NUL character, so it renders like any other field error. */
export function nulError(pointer: string) {
  return { keyword: 'nul', instancePath: pointer, message: 'must not contain NUL characters (\\u0000)', params: {} };
}
