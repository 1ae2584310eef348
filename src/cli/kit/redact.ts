/** Anything shaped like a Rouge key: `rk_<keyId>_<secret>`. */
const KEY_SHAPE = /\b(rk_[A-Za-z0-9]{6,32}_)[A-Za-z0-9]{8,}/g;

// Keys this process holds; a key need not be shaped like one to be secret.
const secrets = new Set<string>();

/** Marks a value as secret, so `redactKeys` masks it wherever it appears. */
export function registerSecret(value: string): void {
  if (value.length >= 8) secrets.add(value);
}

/**
 * Hides API key secrets in text meant for a terminal or a log: anything shaped
 * like a key keeps its id (enough to find it with `rouge keys list`) and loses
 * its secret; any registered secret is masked wholesale.
 */
export function redactKeys(text: string): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join('********');
  return out.replace(KEY_SHAPE, '$1********');
}
