import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Encrypts signing secrets at rest with AES-256-GCM under a key derived (HKDF)
 * from the server's key pepper: a copy of the database alone does not let
 * anyone sign requests. The secret must be recoverable (the server computes
 * the HMAC), so it cannot be hashed like an API key.
 */
export class SecretBox {
  private readonly key: Buffer;
  constructor(serverKey: string) {
    this.key = Buffer.from(hkdfSync('sha256', serverKey, 'rouge', 'rouge/pipelines/trigger-signing-secrets', 32));
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return [iv, c.getAuthTag(), data].map((b) => b.toString('base64url')).join('.');
  }

  /** The secret, or undefined when it was sealed under another key (the pepper changed). */
  open(sealed: string): string | undefined {
    const [iv, tag, data] = sealed.split('.').map((s) => Buffer.from(s, 'base64url'));
    try {
      const d = createDecipheriv('aes-256-gcm', this.key, iv!);
      d.setAuthTag(tag!);
      return Buffer.concat([d.update(data!), d.final()]).toString('utf8');
    } catch {
      return undefined;
    }
  }
}

/** A new signing secret: `rsig_` and 32 random bytes, shown once. */
export function newSigningSecret(): string {
  return `rsig_${randomBytes(32).toString('base64url')}`;
}
