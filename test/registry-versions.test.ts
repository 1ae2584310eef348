import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reasonOf, registryApp } from './helpers/registry.js';
import { STORE_KINDS } from './helpers/stores.js';

/**
 * Version numbering, lineage, labels and the races between uploads, alias
 * moves and deletes, on every store: the PostgreSQL runs are the ones where
 * transactions really interleave.
 */
describe.each(STORE_KINDS)('model versions on %s', (kind) => {
  let r: Awaited<ReturnType<typeof registryApp>>;
  let app: FastifyInstance;
  beforeEach(async () => {
    r = await registryApp(kind);
    app = r.app;
  });
  afterEach(async () => {
    await app.close();
  });

  describe('numbering', () => {
    it('never reuses the number of a deleted version', async () => {
      expect((await r.onnxVersion()).json().versionId).toBe('1');
      expect((await r.onnxVersion()).json().versionId).toBe('2');
      expect((await app.inject({ method: 'DELETE', url: '/v1/projects/ds/models/ctr/versions/2' })).statusCode).toBe(200);
      const third = await r.onnxVersion();
      expect(third.statusCode).toBe(200);
      expect(third.json().versionId).toBe('3');
      expect((await app.inject({ url: '/v1/projects/ds/models/ctr/versions/2' })).statusCode).toBe(404);
      expect((await r.versions()).map((v) => v.versionId)).toEqual(['1', '3']);
    });

    it('gives concurrent uploads to one model distinct numbers, all accepted', async () => {
      const uploads = await Promise.all([
        ...Array.from({ length: 4 }, () => r.onnxVersion()),
        ...Array.from({ length: 6 }, () => r.httpVersion()),
      ]);
      for (const u of uploads) expect(u.statusCode, u.body).toBe(200);
      const ids = uploads.map((u) => Number(u.json().versionId)).sort((a, b) => a - b);
      expect(ids).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      // Exactly one of them, version 1, got `default`.
      const holders = (await r.versions()).filter((v) => v.versionAliases.includes('default'));
      expect(holders.map((v) => v.versionId)).toEqual(['1']);
    });

    it('numbers each model on its own', async () => {
      await app.inject({ method: 'POST', url: '/v1/projects/ds/models', payload: { name: 'other' } });
      await Promise.all([r.httpVersion(), r.httpVersion(), r.httpVersion({}, 'other'), r.httpVersion({}, 'other')]);
      expect((await r.versions('ctr')).map((v) => v.versionId)).toEqual(['1', '2']);
      expect((await r.versions('other')).map((v) => v.versionId)).toEqual(['1', '2']);
    });
  });

  describe('deleting a version while default moves onto it', () => {
    it('leaves exactly one existing holder of default whichever wins', async () => {
      expect((await r.httpVersion()).statusCode).toBe(200);
      let holder = '1';
      // Several rounds: each is one race, and either order must leave a consistent model.
      for (let round = 0; round < 6; round++) {
        const fresh = (await r.httpVersion()).json().versionId as string;
        const [move, del] = await Promise.all([
          app.inject({ method: 'POST', url: `/v1/projects/ds/models/ctr/versions/${fresh}:mergeVersionAliases`, payload: { versionAliases: ['default'] } }),
          app.inject({ method: 'DELETE', url: `/v1/projects/ds/models/ctr/versions/${fresh}` }),
        ]);
        if (move.statusCode === 200) {
          // The move came first: the delete saw default on the version and refused.
          expect(del.statusCode, del.body).toBe(400);
          expect(reasonOf(del)).toBe('VERSION_HOLDS_DEFAULT');
          holder = fresh;
        } else {
          // The delete came first: the move found no version to put default on.
          expect(del.statusCode, del.body).toBe(200);
          expect(move.statusCode, move.body).toBe(404);
          expect(reasonOf(move)).toBe('MODEL_VERSION_NOT_FOUND');
        }
        const holders = (await r.versions()).filter((v) => v.versionAliases.includes('default'));
        expect(holders.map((v) => v.versionId)).toEqual([holder]);
        const byAlias = await app.inject({ url: '/v1/projects/ds/models/ctr/versions/default' });
        expect(byAlias.json().versionId).toBe(holder);
      }
    });
  });

  describe('lineage', () => {
    it('records a parent version that exists in the model', async () => {
      await r.onnxVersion();
      const child = await r.onnxVersion({ lineage: { parentVersion: 1, operation: 'operations/train-7', pipelineRun: 'runs/7' } });
      expect(child.statusCode).toBe(200);
      expect(child.json()).toMatchObject({ versionId: '2', lineage: { parentVersion: 1, operation: 'operations/train-7', pipelineRun: 'runs/7', createdBy: 'user:admin' } });
    });

    it('refuses a parent version that does not exist, naming the field, and stores nothing', async () => {
      await r.onnxVersion();
      const res = await r.onnxVersion({ lineage: { parentVersion: 9 } });
      expect(res.statusCode).toBe(400);
      expect(reasonOf(res)).toBe('PARENT_VERSION_NOT_FOUND');
      expect(res.json().error.message).toContain('lineage.parentVersion 9 is not a version of projects/ds/models/ctr');
      expect(res.json().error.details[1]).toEqual({ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field: 'metadata.lineage.parentVersion', description: 'no version 9 in ctr' }] });
      expect((await r.versions()).map((v) => v.versionId)).toEqual(['1']);
      expect(await app.rouge.blobs.list('models/')).toHaveLength(1);
    });

    it('refuses a parent that exists only in another model, or was deleted', async () => {
      await app.inject({ method: 'POST', url: '/v1/projects/ds/models', payload: { name: 'other' } });
      await r.httpVersion({}, 'other');
      expect(reasonOf(await r.httpVersion({ lineage: { parentVersion: 1 } }))).toBe('PARENT_VERSION_NOT_FOUND');
      await r.httpVersion();
      await r.httpVersion();
      await app.inject({ method: 'DELETE', url: '/v1/projects/ds/models/ctr/versions/2' });
      expect(reasonOf(await r.httpVersion({ lineage: { parentVersion: 2 } }))).toBe('PARENT_VERSION_NOT_FOUND');
      expect((await r.versions()).map((v) => v.versionId)).toEqual(['1']);
    });

    it('refuses a parent version that is not a positive integer', async () => {
      for (const parentVersion of [0, -1, 1.5, '1']) {
        const res = await r.httpVersion({ lineage: { parentVersion } });
        expect(res.statusCode, String(parentVersion)).toBe(400);
        expect(reasonOf(res)).toBe('INVALID_FIELD');
      }
    });
  });

  describe('labels on version uploads', () => {
    const labelsOf = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, `v${i}`]));

    it('accepts 64 labels and refuses 65', async () => {
      const ok = await r.httpVersion({ labels: labelsOf(64) });
      expect(ok.statusCode).toBe(200);
      expect(Object.keys(ok.json().labels)).toHaveLength(64);
      const over = await r.httpVersion({ labels: labelsOf(65) });
      expect(over.statusCode).toBe(400);
      expect(reasonOf(over)).toBe('LABELS_INVALID');
      expect(over.json().error.message).toContain('65 labels');
    });

    it('accepts keys and values of 64 characters and refuses 65', async () => {
      const k64 = `k${'a'.repeat(63)}`;
      const v64 = 'v'.repeat(64);
      const ok = await r.httpVersion({ labels: { [k64]: v64 } });
      expect(ok.statusCode).toBe(200);
      expect(ok.json().labels).toEqual({ [k64]: v64 });
      const longKey = await r.httpVersion({ labels: { [`${k64}a`]: 'x' } });
      expect(reasonOf(longKey)).toBe('LABELS_INVALID');
      expect(longKey.json().error.message).toContain(`key "${k64}a"`);
      const longValue = await r.httpVersion({ labels: { team: `${v64}v` } });
      expect(reasonOf(longValue)).toBe('LABELS_INVALID');
      expect(longValue.json().error.message).toContain(`value "${v64}v" of team`);
    });

    it('refuses upper-case keys and values', async () => {
      const key = await r.httpVersion({ labels: { Team: 'recs' } });
      expect(key.statusCode).toBe(400);
      expect(reasonOf(key)).toBe('LABELS_INVALID');
      expect(key.json().error.message).toContain('key "Team"');
      const value = await r.httpVersion({ labels: { team: 'Recs' } });
      expect(reasonOf(value)).toBe('LABELS_INVALID');
      expect(value.json().error.message).toContain('value "Recs" of team');
      expect(await r.versions()).toEqual([]);
    });
  });
});
