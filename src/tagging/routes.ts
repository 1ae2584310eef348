import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import type { Static } from 'typebox';
import type { CatalogFace } from '../catalog/index.js';
import { cutPage, OperationSchema, readPage, type BlobStore, type Jobs } from '../platform/index.js';
import * as errors from './errors.js';
import { imageKey } from './images.js';
import { TAGGING_JOB, type RunPayload } from './runner.js';
import * as S from './schemas.js';
import type { TaggingStore } from './store.js';

/** The largest image accepted by upload, as by fetch. */
const MAX_UPLOAD = 20 * 1024 * 1024;

export interface TaggingRouteDeps {
  store: TaggingStore;
  jobs: Jobs;
  catalog: CatalogFace;
  blobs: BlobStore;
}

/** Runs, their results and items' tags, and image uploads, on the `api` role. */
export function registerTaggingRoutes(app: FastifyInstance, d: TaggingRouteDeps): void {
  const tags = ['image tagging'];
  const base = '/v1/projects/:project/tagging/runs';
  app.post<{ Params: Static<typeof S.ProjectParams>; Body: Static<typeof S.RunBody> }>(base, { config: { permission: 'tagging.runs.create', idempotent: true }, schema: { tags, summary: 'Analyse catalogue images (the given items, those a filter keeps, or all): an Operation, resumable', params: S.ProjectParams, body: S.RunBody, response: { 200: OperationSchema } } },
    async (request) => {
      const { itemIds, filter, tagger, auditRate } = request.body;
      if (itemIds && filter !== undefined) throw errors.RUN_INPUT_INVALID({ why: 'give itemIds or filter, not both' });
      if (filter !== undefined) await d.catalog.items.list(request.params.project, filter, readPage({ pageSize: 1 }));
      const payload: RunPayload = { ...(itemIds ? { itemIds } : {}), ...(filter !== undefined ? { filter } : {}), ...(tagger ? { tagger } : {}), ...(auditRate !== undefined ? { auditRate } : {}) };
      return d.jobs.enqueue(request.params.project, TAGGING_JOB, payload, { createdBy: request.principalName });
    });
  app.get<{ Params: Static<typeof S.RunParams> }>(`${base}/:run`, { config: { permission: 'tagging.runs.get' }, schema: { tags, summary: 'A run\'s state, progress and counts', params: S.RunParams, response: { 200: S.Run } } },
    async (request) => {
      const { project, run } = request.params;
      const op = await operation(d.jobs, project, run);
      const counts = await d.store.counts(project, run);
      const m = op.metadata;
      return { name: `projects/${project}/tagging/runs/${run}`, runId: run, state: m.state, done: op.done, ...(m.progress ? { progress: m.progress } : {}), counts, createTime: m.createTime, updateTime: m.updateTime, ...(m.endTime ? { endTime: m.endTime } : {}) };
    });
  app.get<{ Params: Static<typeof S.RunParams>; Querystring: Static<typeof S.ResultsQuery> }>(`${base}/:run/results`, { config: { permission: 'tagging.runs.get' }, schema: { tags, summary: 'Per item: the checks passed and failed, the tags, or the error', params: S.RunParams, querystring: S.ResultsQuery, response: { 200: S.Results } } },
    async (request) => {
      const { project, run } = request.params;
      await operation(d.jobs, project, run);
      const page = readPage(request.query);
      const { items, nextPageToken } = cutPage(await d.store.results(project, run, page.pageSize + 1, page.after?.[0]), page.pageSize, (r) => [r.item]);
      return {
        results: items.map((r) => ({
          itemId: r.item, status: r.status, ...(r.image_hash ? { imageHash: r.image_hash } : {}), checks: JSON.parse(r.checks), tags: JSON.parse(r.tags),
          ...(r.status === 'error' ? { error: { code: r.error_code ?? 'error', message: r.error_message ?? '' } } : {}), time: r.time,
        })),
        ...(nextPageToken ? { nextPageToken } : {}),
      };
    });
  app.get<{ Params: Static<typeof S.ItemParams> }>('/v1/projects/:project/catalog/items/:id/tags', { config: { permission: 'tagging.tags.get' }, schema: { tags, summary: 'An item\'s tags: from the analyzers, a model or a reviewer', params: S.ItemParams, response: { 200: S.ItemTags } } },
    async (request) => {
      const { project, id } = request.params;
      await d.catalog.items.get(project, id);
      return { tags: (await d.store.tags(project, id)).map((t) => ({ name: t.name, value: t.value, source: t.source, ...(t.confidence !== null ? { confidence: Number(t.confidence) } : {}), runId: t.run })) };
    });
  void app.register(async (scope) => {
    scope.addContentTypeParser(/^image\//, { parseAs: 'buffer', bodyLimit: MAX_UPLOAD }, (_req, body, done) => done(null, body));
    scope.post<{ Params: Static<typeof S.ItemParams> }>('/v1/projects/:project/catalog/items/:id/image', { bodyLimit: MAX_UPLOAD, config: { permission: 'tagging.images.upload' }, schema: { tags, summary: 'Upload an item\'s image (Content-Type image/*, at most 20 MB): runs analyse it instead of fetching imageLink', params: S.ItemParams } },
      async (request) => {
        const { project, id } = request.params;
        await d.catalog.items.get(project, id);
        const body = request.body;
        if (!Buffer.isBuffer(body) || body.length === 0) throw errors.IMAGE_UPLOAD_INVALID({ why: 'send the image bytes with Content-Type image/png, image/jpeg or image/webp' });
        // Only the header is read: a file that is not an image is refused now, not stored for a run to fail on.
        const format = await sharp(body, { limitInputPixels: false }).metadata().then((m) => m.format, () => undefined);
        if (!format) throw errors.IMAGE_UPLOAD_INVALID({ why: 'the body is not an image sharp can read (PNG, JPEG, WebP, GIF, TIFF, AVIF)' });
        const hash = createHash('sha256').update(body).digest('hex');
        const contentType = String(request.headers['content-type']);
        if (!(await d.blobs.head(imageKey(project, hash)))) await d.blobs.put(imageKey(project, hash), Readable.from([body]), { contentType });
        await d.store.putItemImage({ project, item: id, hash, source: 'upload', link: null, content_type: contentType, update_time: new Date().toISOString() });
        return { itemId: id, imageHash: hash, bytes: body.length, contentType };
      });
  });
}

/** A tagging run's Operation, or TAGGING_RUN_NOT_FOUND. */
export async function operation(jobs: Jobs, project: string, run: string) {
  const op = await jobs.get(project, run).catch(() => undefined);
  if (!op || op.metadata.kind !== TAGGING_JOB) throw errors.RUN_NOT_FOUND({ run: `projects/${project}/tagging/runs/${run}` });
  return op;
}
