/**
 * The JSON pointer of the first string (value or key) holding a NUL character,
 * or undefined. PostgreSQL cannot store NUL in text, and no name, title or
 * description needs one, so every store refuses it the same way, at validation,
 * naming the field. Iterative, so a hostile nesting depth cannot overflow the stack.
 */
export function nulPointer(value: unknown): string | undefined {
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

/** The Ajv-shaped error for a NUL character, so it renders like any other field error. */
export function nulError(pointer: string) {
  return { keyword: 'nul', instancePath: pointer, message: 'must not contain NUL characters (\\u0000)', params: {} };
}
