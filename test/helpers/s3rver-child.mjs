// Runs s3rver for tests and benchmarks in a process of its own, started by s3rver.ts.
// It needs Node's --openssl-legacy-provider: s3rver encrypts ListObjectsV2 continuation
// tokens with DES, which OpenSSL 3 refuses, so every truncated listing would answer 500.
import S3rver from 's3rver';

const { directory, buckets } = JSON.parse(process.argv[2]);
const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory,
  configureBuckets: buckets.map((name) => ({ name, configs: [] })),
});
const { port } = await server.run();
process.stdout.write(`${JSON.stringify({ port })}\n`);
// The parent holds our stdin open; when it exits, for any reason, so do we.
process.stdin.resume();
process.stdin.on('close', () => server.close().finally(() => process.exit(0)));
