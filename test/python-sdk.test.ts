import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLogisticRegression } from './fixtures/onnx-builder.js';
import { ADMIN_KEY, buildTestApp } from './helpers/app.js';

/**
 * Runs the Python SDK's own unittest suite (clients/python/tests) against a
 * live server started here, the way a notebook would talk to Rouge.
 */
const ROOT = join(import.meta.dirname, '..');
const PROJECT = 'data-science';

/** Why the suite cannot run (no python3), or undefined when it can. */
function pythonMissing(): string | undefined {
  const probe = spawnSync('python3', ['-c', 'import sys; print(sys.version_info >= (3, 9))'], { encoding: 'utf8' });
  if (probe.error) return `python3 is not on PATH (${probe.error.message})`;
  if (probe.status !== 0) return `python3 failed to start: ${probe.stderr.trim()}`;
  if (probe.stdout.trim() !== 'True') return 'python3 is older than 3.9, the oldest the SDK supports';
  return undefined;
}

const missing = pythonMissing();
// As test/global-setup.ts does for the databases: under CI a missing python3 is a failure, not a skip, so a green CI means the SDK was tested.
if (missing && process.env.CI === 'true') throw new Error(`CI=true but the Python SDK suite cannot run: ${missing}. Install python3 3.9+ where CI runs.`);
if (missing) console.warn(`Python SDK suite skipped: ${missing}`);

describe.skipIf(missing !== undefined)('Python SDK (clients/python)', () => {
  let app: FastifyInstance;
  let url: string;
  let dir: string;

  beforeAll(async () => {
    app = await buildTestApp('sqlite');
    await app.listen({ port: 0, host: '127.0.0.1' });
    const addr = app.server.address();
    url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    const created = await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: PROJECT } });
    expect(created.statusCode).toBe(200);
    dir = mkdtempSync(join(tmpdir(), 'rouge-python-sdk-'));
  });

  afterAll(async () => {
    await app?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('passes its unittest suite against a live server, with nothing skipped', async () => {
    const onnx = join(dir, 'model.onnx');
    writeFileSync(onnx, buildLogisticRegression({ features: 4, seed: 7 }));
    // The developer's own ROUGE_* variables never leak in.
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ROUGE_') && !k.startsWith('PYTHON')));
    const child = spawn('python3', ['-m', 'unittest', 'discover', '-s', 'clients/python/tests', '-v'], {
      cwd: ROOT,
      env: {
        ...inherited,
        PYTHONPATH: join(ROOT, 'clients/python'),
        PYTHONDONTWRITEBYTECODE: '1',
        ROUGE_URL: url,
        ROUGE_API_KEY: ADMIN_KEY,
        ROUGE_PROJECT: PROJECT,
        ROUGE_TEST_ONNX: onnx,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));

    expect(code, output).toBe(0);
    const ran = /^Ran (\d+) tests? in /m.exec(output);
    expect(ran, output).not.toBeNull();
    expect(Number(ran![1])).toBeGreaterThanOrEqual(10);
    expect(output, 'every test runs: none skipped').toMatch(/^OK$/m);
    expect(output).not.toMatch(/skipped/i);
    // Every response is closed: no socket or file is left for the garbage collector.
    expect(output).not.toContain('ResourceWarning');
  }, 60_000);
});
