import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ADMIN_KEY, bearer, buildTestApp } from './helpers/app.js';

/** GET over TLS, trusting exactly the test's own certificate. */
function get(port: number, path: string, ca: Buffer, headers: Record<string, string> = {}): Promise<{ status: number; body: string; encrypted: boolean }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, ca, servername: 'localhost', headers }, (res) => {
      let body = '';
      const encrypted = (res.socket as { encrypted?: boolean } | null)?.encrypted === true;
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, encrypted }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('TLS', () => {
  it('serves HTTPS with --tls-cert and --tls-key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rouge-tls-'));
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost'], { stdio: 'ignore' });
    const app = await buildTestApp('sqlite', { tlsCert: cert, tlsKey: key });
    try {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const port = (app.server.address() as AddressInfo).port;
      const ca = readFileSync(cert);
      const health = await get(port, '/healthz', ca);
      expect(health).toMatchObject({ status: 200, encrypted: true });
      const projects = await get(port, '/v1/projects', ca, bearer(ADMIN_KEY));
      expect(projects.status).toBe(200);
      expect(JSON.parse(projects.body)).toHaveProperty('projects');
    } finally {
      await app.close();
    }
  });
});
