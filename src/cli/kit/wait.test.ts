import { describe, expect, it } from 'vitest';
import { ApiError, type ApiClient } from './client.js';
import { CliError, ExitCode } from './exit.js';
import { waitForOperation, type Operation } from './wait.js';

const NAME = 'projects/shop/operations/01JD3M8X0QK1V6ZP2B7T9YF4RC';
const ID = '01JD3M8X0QK1V6ZP2B7T9YF4RC';

function op(state: string, extra: Partial<Operation> = {}, progress?: Record<string, unknown>): Operation {
  const done = ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(state);
  return {
    name: NAME,
    done,
    metadata: { '@type': 'type.googleapis.com/rouge.OperationMetadata', kind: 'catalog.import', state, attempts: 1, maxAttempts: 3, createTime: '', updateTime: '', ...(progress ? { progress } : {}) },
    ...extra,
  };
}

/** A client whose GETs answer from a script: an Operation, or an error to throw. */
function scripted(answers: Array<Operation | Error>): { client: ApiClient; paths: string[] } {
  const paths: string[] = [];
  const client = {
    async request(method: string, path: string) {
      expect(method).toBe('GET');
      paths.push(path);
      const next = answers.shift();
      if (!next) throw new Error('polled more than scripted');
      if (next instanceof Error) throw next;
      return next;
    },
  } as unknown as ApiClient;
  return { client, paths };
}

/** A pipe that keeps what is written, a clock that sleeping moves, and the sleeps asked for. */
function harness() {
  let t = 0;
  const sleeps: number[] = [];
  const out = { isTTY: false, text: '', write(s: string) { this.text += s; } };
  return { out, sleeps, now: () => t, sleep: async (ms: number) => { sleeps.push(ms); t += ms; } };
}

describe('waitForOperation', () => {
  it('polls at once, backs off from 500 ms to 2 s, and prints each new status once', async () => {
    const h = harness();
    const { client, paths } = scripted([
      op('QUEUED'),
      op('RUNNING', {}, { percent: 10 }),
      op('RUNNING', {}, { percent: 10 }),
      op('RUNNING', {}, { percent: 60, message: 'items' }),
      op('RUNNING', {}, { percent: 60, message: 'items' }),
      op('RUNNING', {}, { percent: 60, message: 'items' }),
      op('SUCCEEDED', { response: { inserted: 3 } }),
    ]);
    const final = await waitForOperation(client, NAME, h);
    expect(final.response).toEqual({ inserted: 3 });
    expect(paths[0]).toBe(`/v1/projects/shop/operations/${ID}`);
    expect(h.sleeps).toEqual([500, 750, 1125, 1688, 2000, 2000]);
    expect(h.out.text.split('\n')).toEqual([
      `${ID} catalog.import: QUEUED`,
      `${ID} catalog.import: RUNNING  [##------------------] 10%`,
      `${ID} catalog.import: RUNNING  [############--------] 60%  items`,
      `${ID} catalog.import: SUCCEEDED`,
      '',
    ]);
  });

  it('shows a started operation without polling, and returns it at once when it is already done', async () => {
    const h = harness();
    const { client, paths } = scripted([]);
    const done = op('FAILED', { error: { code: 9, message: 'broken', details: [] } });
    expect(await waitForOperation(client, NAME, { ...h, started: done })).toBe(done);
    expect(paths).toEqual([]);
    expect(h.out.text).toBe(`${ID} catalog.import: FAILED\n`);

    const later = scripted([op('SUCCEEDED')]);
    await waitForOperation(later.client, NAME, { ...h, started: op('QUEUED') });
    expect(h.sleeps).toEqual([500]);
  });

  it('retries a few polls that got no answer or a 5xx, but not a 404', async () => {
    const h = harness();
    const flaky = scripted([new CliError('cannot reach', ExitCode.API_ERROR), new ApiError(503, 'UNAVAILABLE', 'down', []), op('SUCCEEDED')]);
    expect((await waitForOperation(flaky.client, NAME, h)).done).toBe(true);

    const gone = scripted([new ApiError(404, 'OPERATION_NOT_FOUND', 'no such operation', [])]);
    await expect(waitForOperation(gone.client, NAME, h)).rejects.toThrow(/no such operation/);

    const down = scripted(Array.from({ length: 5 }, () => new ApiError(502, 'BAD_GATEWAY', 'bad gateway', [])));
    await expect(waitForOperation(down.client, NAME, h)).rejects.toThrow(/bad gateway/);
  });

  it('gives up at the timeout with exit 1, naming what goes on', async () => {
    const h = harness();
    const { client } = scripted(Array.from({ length: 10 }, () => op('RUNNING')));
    const err = await waitForOperation(client, NAME, { ...h, timeoutMs: 2000 }).catch((e: CliError) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).message).toBe(`timed out after 2 s waiting for operation ${ID}; it is still RUNNING and goes on`);
    expect((err as CliError).exitCode).toBe(1);
    expect(h.sleeps.reduce((a, b) => a + b, 0)).toBe(2000);

    const labelled = scripted([]);
    await expect(waitForOperation(labelled.client, NAME, { ...harness(), timeoutMs: 0, started: op('QUEUED'), label: 'catalog import' })).rejects.toThrow(
      `timed out after 0 s waiting for the catalog import (operation ${ID}); it is still QUEUED and goes on`,
    );
  });
});
