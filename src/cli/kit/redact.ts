/** Anything shaped like a Rouge key: `rk_<keyId>_<secret>`. */
const KEY_SHAPE = /\b(rk_[A-Za-z0-9]{6,32}_)[A-Za-z0-9]{8,}/g;

/**
 * Hides API key secrets in text meant for a terminal or a log: anything shaped
 * like a key keeps its id (enough to find it with `rouge keys list`) and loses
 * its secret; any other given secret is masked wholesale, for keys that are
 * not shaped like one.
 */
export function redactKeys(text: string, secrets: string[] = []): string {
  let out = text;
  for (const s of secrets) if (s.length >= 8) out = out.split(s).join('********');
  return out.replace(KEY_SHAPE, '$1********');
}
