import { buffer } from 'node:stream/consumers';
import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import type { Static } from 'typebox';
import type { CatalogFace } from '../../catalog/index.js';
import { customMethod, cutPage, OperationSchema, readPage, type BlobStore, type Jobs } from '../../platform/index.js';
import * as errors from '../errors.js';
import { imageKey } from '../images.js';
import type { TaggingStore } from '../store.js';
import type { ReviewStore } from './review-store.js';
import { resolveTask } from './review.js';
import { reviewPageHtml } from './review-page.js';
import { SAVINGS_DEFAULTS, savingsReport } from './savings.js';
import * as S from './schemas.js';
import { ProjectParams, RunParams } from '../schemas.js';
import type { ReviewTaskRow } from './tables.js';
import { TAGGER_TRAIN_JOB, type TaggerTrainPayload } from './retrain.js';

export interface ClassifierRouteDeps {
  store: TaggingStore;
  reviews: ReviewStore;
  jobs: Jobs;
  catalog: CatalogFace;
  blobs: BlobStore;
  /** The run's Operation, or TAGGING_RUN_NOT_FOUND. */
  run: (project: string, run: string) => Promise<{ metadata: { createTime: string; endTime?: string; updateTime: string } }>;
  onTagsChanged: (project: string) => Promise<void>;
}

/** The review queue, stored images, a run's savings report, retraining, and the review page, on `api`. */
export function registerClassifierRoutes(app: FastifyInstance, d: ClassifierRouteDeps): void {
  const tags = ['image tagging'];
  const base = '/v1/projects/:project/tagging';
  app.get<{ Params: { project: string }; Querystring: Static<typeof S.TasksQuery> }>(`${base}/reviewTasks`, {
    config: { permission: 'tagging.reviewTasks.list' },
    schema: { tags, summary: 'Tag proposals waiting for a person (pending, the default), or decided ones, oldest first', params: ProjectParams, querystring: S.TasksQuery, response: { 200: S.Tasks } },
  }, async (request) => {
    const { project } = request.params;
    const q = request.query;
    const page = readPage(q);
    const rows = await d.reviews.list(project, { ...(q.state !== 'all' ? { state: q.state ?? 'pending' } : {}), ...(q.kind ? { kind: q.kind } : {}), ...(q.runId ? { run: q.runId } : {}) }, page.pageSize + 1, page.after?.[0]);
    const { items, nextPageToken } = cutPage(rows, page.pageSize, (r) => [r.id]);
    const titles = new Map((await d.catalog.items.getMany(project, [...new Set(items.map((r) => r.item))])).map((i) => [i.id, i.title]));
    return { reviewTasks: items.map((r) => view(r, titles.get(r.item))), ...(nextPageToken ? { nextPageToken } : {}) };
  });
  app.get<{ Params: Static<typeof S.TaskParams> }>(`${base}/reviewTasks/:task`, {
    config: { permission: 'tagging.reviewTasks.get' },
    schema: { tags, summary: 'One review task', params: S.TaskParams, response: { 200: S.Task } },
  }, async (request) => view(await task(d, request.params.project, request.params.task)));
  app.post<{ Params: Static<typeof S.TaskParams>; Body: Static<typeof S.ResolveBody> }>(`${base}/reviewTasks/${customMethod('task', 'resolve')}`, {
    config: { permission: 'tagging.reviewTasks.resolve' },
    schema: { tags, summary: 'Decide on a proposal: accept it, correct it (tags: [{name: product_class, value}]) or reject it; audited, and training data for the next tagger', params: S.TaskParams, body: S.ResolveBody, response: { 200: S.Task } },
  }, async (request) => {
    const { project, task: id } = request.params;
    const t = await task(d, project, id);
    await resolveTask(d.reviews, t, request.body, request.principalName);
    await d.onTagsChanged(project);
    return view((await d.reviews.get(project, id))!);
  });
  app.get<{ Params: Static<typeof S.ImageParams> }>(`${base}/images/:hash`, {
    config: { permission: 'tagging.images.get' },
    schema: { tags, summary: 'A stored image, by the SHA-256 of its bytes (what a review task shows)', params: S.ImageParams },
  }, async (request, reply) => {
    const { project, hash } = request.params;
    const got = await d.blobs.get(imageKey(project, hash)).catch(() => undefined);
    if (!got) throw errors.IMAGE_NOT_FOUND({ hash });
    const bytes = await buffer(got.body);
    // Stored by content, not with a type: the bytes say what they are (only images are stored).
    const format = await sharp(bytes).metadata().then((m) => m.format, () => undefined);
    return reply.type(format ? `image/${format === 'heif' ? 'avif' : format}` : 'application/octet-stream')
      .header('cache-control', 'private, max-age=86400, immutable').header('x-content-type-options', 'nosniff').send(bytes);
  });
  app.get<{ Params: { project: string; run: string }; Querystring: Static<typeof S.SavingsQuery> }>(`${base}/runs/:run/savings`, {
    config: { permission: 'tagging.runs.get' },
    schema: { tags, summary: 'A run\'s savings: share auto-accepted and sent to review, the measured precision of auto-accepted tags, manual work avoided, cost per 1,000 images', params: RunParams, querystring: S.SavingsQuery },
  }, async (request) => {
    const { project, run } = request.params;
    const op = await d.run(project, run);
    const end = op.metadata.endTime ?? new Date().toISOString();
    const counts = await d.store.counts(project, run);
    const c = await d.store.classifiedCounts(project, run);
    const report = savingsReport(
      { processed: counts.ok + counts.errors, classified: c.classified, autoAccepted: c.autoAccepted, seconds: Math.max(0, (Date.parse(end) - Date.parse(op.metadata.createTime)) / 1000), tasks: await d.reviews.tally(project, run) },
      { ...SAVINGS_DEFAULTS, ...request.query },
    );
    return { name: `projects/${project}/tagging/runs/${run}/savings`, runId: run, ...report };
  });
  app.post<{ Params: { project: string }; Body: Static<typeof S.TrainBody> }>(`${base}/taggers::train`, {
    config: { permission: 'tagging.taggers.train', idempotent: true },
    schema: { tags, summary: 'Retrain the product-type tagger from its examples and every accepted or corrected review: an Operation that registers a rouge-tagger version', params: ProjectParams, body: S.TrainBody, response: { 200: OperationSchema } },
  }, async (request) => d.jobs.enqueue(request.params.project, TAGGER_TRAIN_JOB, request.body as TaggerTrainPayload, { createdBy: request.principalName }));
  app.get('/review', {
    config: { public: true, exposure: 'internal' },
    schema: { tags, summary: 'The review page: a person decides on tag proposals with one key each (signs in with an API key)' },
  }, async (_request, reply) => reply.type('text/html; charset=utf-8')
    .header('content-security-policy', "default-src 'self'; img-src 'self' blob:; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'")
    .header('cache-control', 'no-store').send(reviewPageHtml()));
}

async function task(d: ClassifierRouteDeps, project: string, id: string): Promise<ReviewTaskRow> {
  const t = await d.reviews.get(project, id);
  if (!t) throw errors.REVIEW_TASK_NOT_FOUND({ task: `projects/${project}/tagging/reviewTasks/${id}` });
  return t;
}

function view(r: ReviewTaskRow, title?: string) {
  return {
    name: `projects/${r.project}/tagging/reviewTasks/${r.id}`, id: r.id, itemId: r.item, ...(title ? { itemTitle: title } : {}), runId: r.run, kind: r.kind, state: r.state,
    imageUri: `/v1/projects/${r.project}/tagging/images/${r.image_hash}`, modelVersion: r.model_version, proposedTags: JSON.parse(r.proposed), choices: JSON.parse(r.choices),
    ...(r.decision ? { decision: r.decision } : {}), ...(r.tags ? { tags: JSON.parse(r.tags) } : {}), ...(r.resolved_by ? { resolvedBy: r.resolved_by } : {}),
    createTime: r.create_time, ...(r.resolve_time ? { resolveTime: r.resolve_time } : {}),
  };
}
