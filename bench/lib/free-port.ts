/** A port for a benchmark's server. */
import { createServer } from 'node:net';

/**
 * A port that is free on `host` now: the kernel picks one for a listener that
 * is closed at once. Another process could take it before the server binds it;
 * on a benchmark machine nothing else is starting servers.
 */
export async function freePort(host: string): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}
