import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddressPolicy } from '../platform/index.js';
import { fetchImage, FetchError } from './fetch-image.js';

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

describe('the address policy', () => {
  const policy = new AddressPolicy();
  it.each(['127.0.0.1', '10.1.2.3', '172.16.0.9', '192.168.1.1', '169.254.169.254', '0.0.0.0', '100.64.0.1', '::1', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '::ffff:169.254.169.254', '::', '::10.0.0.1', 'fec0::1', '2001:db8::1', '64:ff9b::a00:1'])('refuses %s', (a) => {
    expect(policy.refuse(a)).toBeDefined();
  });
  it.each(['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946', '::ffff:93.184.216.34'])('lets %s through', (a) => {
    expect(policy.refuse(a)).toBeUndefined();
  });
  it('lets an allow-listed range through', () => {
    expect(new AddressPolicy(['10.0.0.0/8']).refuse('10.1.2.3')).toBeUndefined();
    expect(new AddressPolicy(['10.0.0.0/8']).refuse('::ffff:10.1.2.3')).toBeUndefined();
  });
});

describe('fetchImage', () => {
  let server: http.Server;
  let base: string;
  const local = new AddressPolicy(['127.0.0.0/8']);
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const url = req.url ?? '/';
      if (url === '/ok.png') return res.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
      if (url === '/big.png') {
        res.writeHead(200, { 'content-type': 'image/png' });
        const chunk = Buffer.alloc(64 * 1024);
        let sent = 0;
        const send = () => {
          while (sent < 2 * 1024 * 1024 && res.write(chunk)) sent += chunk.length;
          if (sent < 2 * 1024 * 1024) res.once('drain', send);
          else res.end();
        };
        return send();
      }
      if (url === '/slow.png') return void setTimeout(() => res.writeHead(200).end(PNG), 2000);
      if (url.startsWith('/loop')) return res.writeHead(302, { location: '/loop' }).end();
      if (url === '/to-metadata') return res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
      if (url === '/to-ok') return res.writeHead(301, { location: '/ok.png' }).end();
      if (url === '/missing.png') return res.writeHead(404).end('no');
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html></html>');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });

  const code = async (p: Promise<unknown>) => {
    try {
      await p;
      return 'fetched';
    } catch (e) {
      return e instanceof FetchError ? e.code : `other: ${String(e)}`;
    }
  };

  it('fetches an image, following a redirect', async () => {
    const img = await fetchImage(`${base}/to-ok`, local);
    expect(img.bytes.equals(PNG)).toBe(true);
    expect(img.contentType).toBe('image/png');
    expect(img.url).toBe(`${base}/ok.png`);
  });

  it('refuses loopback, the metadata address and private names, before connecting and on redirects', async () => {
    const strict = new AddressPolicy();
    expect(await code(fetchImage(`${base}/ok.png`, strict))).toBe('blocked_address');
    expect(await code(fetchImage('http://localhost:1/ok.png', strict))).toBe('blocked_address');
    expect(await code(fetchImage('http://[::ffff:127.0.0.1]:1/ok.png', strict))).toBe('blocked_address');
    expect(await code(fetchImage(`${base}/to-metadata`, local))).toBe('blocked_address');
    expect(await code(fetchImage('http://169.254.169.254/latest/meta-data/', strict))).toBe('blocked_address');
  });

  it('lets a trusted URL through without opening the network to it', async () => {
    const strict = new AddressPolicy();
    const img = await fetchImage(`${base}/ok.png`, strict, undefined, (u) => u.pathname.startsWith('/ok'));
    expect(img.bytes.equals(PNG)).toBe(true);
    expect(await code(fetchImage(`${base}/to-metadata`, strict, undefined, (u) => u.pathname.startsWith('/to-')))).toBe('blocked_address');
  });

  it('stops at the size limit, the time limit and the redirect limit, and on a bad status or URL', async () => {
    expect(await code(fetchImage(`${base}/big.png`, local, { maxBytes: 1024 * 1024, timeoutMs: 10_000, maxRedirects: 3 }))).toBe('too_large');
    expect(await code(fetchImage(`${base}/slow.png`, local, { maxBytes: 1024, timeoutMs: 300, maxRedirects: 3 }))).toBe('timeout');
    expect(await code(fetchImage(`${base}/loop`, local))).toBe('too_many_redirects');
    expect(await code(fetchImage(`${base}/missing.png`, local))).toBe('http_status');
    expect(await code(fetchImage('ftp://example.com/x.png', local))).toBe('bad_url');
    expect(await code(fetchImage('http://user:pw@example.com/x.png', local))).toBe('bad_url');
  });
});
