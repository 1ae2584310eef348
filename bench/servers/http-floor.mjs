// The HTTP floor for the serving benchmark (bench/README.md, "Serving"): a server that only
// parses a prediction body and answers a constant prediction, as bare node:http or a bare
// Fastify route. Run it pinned to one core and load it from the other:
//   taskset -c 0 node bench/servers/http-floor.mjs node      # or: fastify
//   node -e "require('fs').writeFileSync('/tmp/body.json', JSON.stringify({instances: [Array.from({length: 100}, () => Math.random())]}))"
//   taskset -c 1 npx autocannon -c 64 -d 10 -m POST -H content-type=application/json -i /tmp/body.json http://127.0.0.1:9911/v1/projects/p/endpoints/e
import http from 'node:http';
const mode = process.argv[2] ?? 'node';
if (mode === 'node') {
  http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString());
      const out = JSON.stringify({ predictions: [body.instances[0][0]], deployedModelId: '123', model: 'x', modelVersionId: '1', modelDisplayName: 'lr' });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) });
      res.end(out);
    });
  }).listen(9911, '127.0.0.1');
} else {
  const { default: Fastify } = await import('fastify');
  const app = Fastify();
  app.post('/v1/projects/:project/endpoints/:endpoint', async (req) => ({ predictions: [req.body.instances[0][0]], deployedModelId: '123', model: 'x', modelVersionId: '1', modelDisplayName: 'lr' }));
  await app.listen({ port: 9911, host: '127.0.0.1' });
}
