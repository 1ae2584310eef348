// The ceiling for bench/http-projects.ts: a bare Fastify 5 server, logger off,
// answering GET /v1/projects/bench with a constant body of the same shape and
// byte size as Rouge's project response (164 bytes). It keeps Fastify's usual
// path (a route with a response schema, so the body goes through
// fast-json-stringify as Rouge's does) but nothing else: no hooks, no store,
// no validation, no metrics, no request ids.
//
// Plain JavaScript so it runs under `node` exactly as Rouge's dist/ does.
// Usage: node bench/servers/fastify-constant.mjs --port 8080 [--host 127.0.0.1]
import Fastify from 'fastify';

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const port = Number(arg('--port', '8080'));
const host = arg('--host', '127.0.0.1');

const PROJECT = Object.freeze({
  name: 'projects/bench',
  projectId: 'bench',
  displayName: 'bench',
  timeZone: 'UTC',
  createTime: '2026-01-01T00:00:00.000Z',
  updateTime: '2026-01-01T00:00:00.000Z',
});

const app = Fastify({ logger: false });

app.get(
  '/v1/projects/bench',
  {
    schema: {
      response: {
        200: {
          type: 'object',
          properties: {
            name: { type: 'string' },
            projectId: { type: 'string' },
            displayName: { type: 'string' },
            timeZone: { type: 'string' },
            createTime: { type: 'string' },
            updateTime: { type: 'string' },
          },
        },
      },
    },
  },
  async () => PROJECT,
);

app.listen({ port, host }).then(
  (address) => process.stdout.write(`fastify-constant listening on ${address}\n`),
  (e) => {
    process.stderr.write(`fastify-constant: ${e.message}\n`);
    process.exit(1);
  },
);

const stop = () => {
  app.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
