// The ceiling for bench/recs-serving.ts: a bare Fastify 5 server, logger off,
// answering every POST (the benchmark sends its :recommend mix here) with one
// constant JSON body read from a file (a real Rouge :recommend response, so
// the bytes on the wire are the same). Fastify still parses each request's
// JSON body; no hooks, no auth, no store, no model.
//
// Plain JavaScript so it runs under `node` as Rouge's dist/ does.
// Usage: node bench/lib/fastify-recs-ceiling.mjs --port 8080 --body response.json [--host 127.0.0.1]
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
};
const body = readFileSync(arg('--body'), 'utf8');
const app = Fastify({ logger: false });
app.post('/*', (_req, reply) => {
  reply.header('content-type', 'application/json; charset=utf-8').send(body);
});
app.listen({ port: Number(arg('--port', '8080')), host: arg('--host', '127.0.0.1') }).then(
  (address) => process.stdout.write(`fastify-recs-ceiling listening on ${address}\n`),
  (e) => {
    process.stderr.write(`fastify-recs-ceiling: ${e.message}\n`);
    process.exit(1);
  },
);
const stop = () => app.close().then(() => process.exit(0), () => process.exit(1));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
