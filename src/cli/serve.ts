import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.js';
import { demoModule } from '../demo/index.js';
import { VERSION, loadConfig } from '../platform/index.js';
import { exitOnStartupError } from './startup-errors.js';

/**
 * `rouge serve`: loads configuration, builds the app, listens, and shuts down
 * gracefully on SIGTERM or SIGINT: new requests get 503 while in-flight ones
 * finish, then the store closes; a second signal or the timeout forces exit.
 */
export async function serve(flags: Record<string, unknown>): Promise<FastifyInstance> {
  let app: FastifyInstance;
  try {
    const config = loadConfig({ flags, env: process.env });
    app = await buildApp({ config });
  } catch (e) {
    exitOnStartupError(e);
  }
  const { config, store, cache, blobs, iam } = app.rouge;
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    process.stderr.write(`rouge: cannot listen on ${config.host}:${config.port}: ${code === 'EADDRINUSE' ? 'the port is in use; pick another with --port' : (e as Error).message}\n`);
    await app.close();
    process.exit(1);
  }
  // Signal handlers go in before anything is printed, so a supervisor that reacts
  // to the banner cannot send SIGTERM before it is handled.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      process.stderr.write(`rouge: ${signal} again, exiting now\n`);
      process.exit(1);
    }
    stopping = true;
    process.stdout.write(`Rouge: ${signal} received, finishing in-flight requests\n`);
    const timer = setTimeout(() => {
      process.stderr.write(`rouge: in-flight requests did not finish within ${config.shutdownTimeoutMs} ms, exiting\n`);
      process.exit(1);
    }, config.shutdownTimeoutMs);
    timer.unref();
    app.close().then(
      () => process.exit(0),
      (e) => {
        process.stderr.write(`rouge: error during shutdown: ${(e as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  const scheme = config.tlsCert ? 'https' : 'http';
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  process.stdout.write(
    `Rouge ${VERSION} listening on ${scheme}://${shownHost}:${port} (roles: ${config.roles.join(', ')})\n` +
      `Mode: ${config.production ? 'production' : 'development'}${config.singleProcess ? ', single process' : ''}\n` +
      `Store: ${store.description}\n` +
      `Cache: ${cache.description}\n` +
      `Blobs: ${blobs.description}\n` +
      (config.roles.includes('api') ? `Console: ${scheme}://${shownHost}:${port}/console (sign in with an API key)\n` : ''),
  );
  if (iam.generatedAdminKey) {
    // Printed once, to the terminal only (never to the log): the key is not stored anywhere readable.
    process.stdout.write(
      `\nFirst start: created user:admin (role orgAdmin). Its API key, shown only this once:\n\n  ${iam.generatedAdminKey}\n\n` +
        `Save it now: rouge login --url ${scheme}://${shownHost}:${port}   (paste the key when asked)\n\n`,
    );
  }

  // Warm-ups (the catalogue's search indexes, built in slices between requests)
  // start once the process listens, so the first request after a start does not pay for them.
  await app.rouge.start();
  if (config.demo) {
    process.stdout.write('Loading the demo project (catalogue, shopping sessions, a trained recommender, advertisers); /readyz answers 200 once it is ready.\n');
    app.rouge.use(demoModule).loaded.then(({ created }) => {
      process.stdout.write(
        `\nDemo ready${created ? '' : ' (loaded on an earlier start)'}: project demo, one recommender per kind, six advertisers buying sponsored slots. Try:\n\n` +
          `  curl -X POST ${scheme}://${shownHost}:${port}/v1/projects/demo/recommenders/search:recommend \\\n` +
          `    -H "Authorization: Bearer \$ROUGE_API_KEY" -H 'content-type: application/json' \\\n` +
          `    -d '{"query": "lipstick", "userId": "user-1", "limit": 10, "sponsoredSlots": 2, "fields": ["title", "brand", "price", "imageLink"]}'\n\n` +
          `with ROUGE_API_KEY set to the admin key${iam.generatedAdminKey ? ' printed above' : ' (--bootstrap-admin-key)'}, or open ${scheme}://${shownHost}:${port}/console/p/demo/recommend and search there.\n`,
      );
    }, (e: unknown) => process.stderr.write(`rouge: loading the demo project failed: ${(e as Error).message}\n`));
  }
  return app;
}
