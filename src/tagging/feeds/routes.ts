import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import type { CatalogFace } from '../../catalog/index.js';
import { Empty, ProjectName } from '../../platform/index.js';
import * as errors from '../errors.js';
import type { TaggingStore } from '../store.js';
import { buildFeed, MAX_LABEL_VALUES, type FeedReport } from './build.js';
import type { FeedCache } from './cache.js';
import { FEEDS, type Feed } from './fields.js';
import { CONTENT_TYPES, FILES, type FeedFile } from './formats.js';

const FileParams = Type.Object({ project: ProjectName, file: Type.Union(Object.keys(FILES).map((f) => Type.Literal(f)), { description: 'google.tsv, google.xml or meta.csv' }) });
const FeedParams = Type.Object({ project: ProjectName, feed: Type.Union([Type.Literal('google'), Type.Literal('meta')]) });
const TokenParams = Type.Object({ project: ProjectName, feed: Type.Union([Type.Literal('google'), Type.Literal('meta')]), token: Type.String({ pattern: '^ft[a-z0-9]{10,40}$' }) });
const ProjectParams = Type.Object({ project: ProjectName });
const TagName = Type.Union([Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$' }), Type.Null()]);
const SettingsBody = Type.Object({ customLabels: Type.Array(TagName, { minItems: 5, maxItems: 5, description: 'the tag each of custom_label_0..4 carries (colour_family, image_quality, ...), or null' }) }, { additionalProperties: false });
const Finding = Type.Object({ itemId: Type.String(), field: Type.String(), rule: Type.String(), message: Type.String() });
const Report = Type.Object({ feed: Type.String(), items: Type.Integer(), included: Type.Integer(), excluded: Type.Array(Finding), changed: Type.Array(Finding) });

const hash = (secret: string) => createHash('sha256').update(secret).digest('hex');

export interface FeedRouteDeps {
  store: TaggingStore;
  catalog: CatalogFace;
  cache: FeedCache;
  /** Where the deployment is reached, for the RSS channel's link. */
  baseUrl: string;
  /** PROJECT_NOT_FOUND for a project that does not exist. */
  checkProject: (project: string) => Promise<unknown>;
}

/**
 * Feeds for the channels: `GET .../feeds/{google.tsv|google.xml|meta.csv}`
 * (public exposure: Merchant Center and Meta fetch it), authenticated by an
 * API key or by HTTP Basic with a per-feed token; the exclusion report; the
 * label mapping; the tokens (shown once, stored as a SHA-256).
 */
export function registerFeedRoutes(app: FastifyInstance, d: FeedRouteDeps): void {
  const tags = ['feeds'];
  const verify = async (params: Record<string, string>, user: string, password: string): Promise<string | undefined> => {
    const file = FILES[params.file as FeedFile];
    if (!file || !params.project) return undefined;
    const row = await d.store.token(params.project, user);
    if (!row || row.feed !== file.feed) return undefined;
    const a = Buffer.from(row.hash, 'hex');
    const b = Buffer.from(hash(password), 'hex');
    return a.length === b.length && timingSafeEqual(a, b) ? `feedToken:${row.id}` : undefined;
  };
  const meta = (project: string) => ({ title: `${project} product feed (Rouge)`, link: `${d.baseUrl}/v1/projects/${project}` });

  app.get<{ Params: Static<typeof FileParams> }>('/v1/projects/:project/feeds/:file', {
    config: { permission: 'tagging.feeds.get', basicAuth: verify, audit: false, exposure: 'public' },
    schema: { tags, summary: 'The current feed for a channel (Merchant Center TSV or RSS, Meta CSV): items that pass validation only', params: FileParams },
  }, async (request, reply) => {
    const { project, file } = request.params;
    const { feed, format } = FILES[file as FeedFile];
    await d.checkProject(project);
    const stream = await d.cache.open(project, file, () => buildFeed(d, project, feed, format, empty(), meta(project)));
    return reply.type(CONTENT_TYPES[format]).header('cache-control', 'private, max-age=300').send(stream);
  });

  app.get<{ Params: Static<typeof FeedParams> }>('/v1/projects/:project/feeds/:feed/report', {
    config: { permission: 'tagging.feeds.get' },
    schema: { tags, summary: 'What the feed leaves out (item, field, rule, message) and what it changed to fit', params: FeedParams, response: { 200: Report } },
  }, async (request) => {
    const { project, feed } = request.params;
    const report = empty();
    for await (const _ of buildFeed(d, project, feed as Feed, 'tsv', report, meta(project)));
    return { feed, ...report };
  });

  app.get<{ Params: Static<typeof ProjectParams> }>('/v1/projects/:project/feedSettings', {
    config: { permission: 'tagging.feeds.get' },
    schema: { tags, params: ProjectParams, response: { 200: Type.Object({ name: Type.String(), customLabels: Type.Array(TagName) }) } },
  }, async (request) => ({ name: `projects/${request.params.project}/feedSettings`, customLabels: await d.store.labels(request.params.project) }));
  app.patch<{ Params: Static<typeof ProjectParams>; Body: Static<typeof SettingsBody> }>('/v1/projects/:project/feedSettings', {
    config: { permission: 'tagging.feedSettings.update' },
    schema: { tags, summary: 'Which item tags the feeds carry in custom_label_0..4', params: ProjectParams, body: SettingsBody, response: { 200: Type.Object({ name: Type.String(), customLabels: Type.Array(TagName) }) } },
  }, async (request) => {
    const { project } = request.params;
    await d.checkProject(project);
    for (const [i, name] of request.body.customLabels.entries()) {
      if (!name) continue;
      const n = await d.store.distinctValues(project, name);
      if (n > MAX_LABEL_VALUES) throw errors.FEED_LABEL_TOO_MANY_VALUES({ label: `custom_label_${i}`, tag: name, values: n, max: MAX_LABEL_VALUES });
    }
    await d.store.putLabels(project, request.body.customLabels);
    await d.cache.changed(project);
    return { name: `projects/${project}/feedSettings`, customLabels: request.body.customLabels };
  });

  const tokenView = (r: { id: string; feed: string; create_time: string }, project: string) => ({ name: `projects/${project}/feeds/${r.feed}/tokens/${r.id}`, tokenId: r.id, feed: r.feed, createTime: r.create_time });
  app.post<{ Params: Static<typeof FeedParams> }>('/v1/projects/:project/feeds/:feed/tokens', {
    config: { permission: 'tagging.feedTokens.create', secretResponse: true },
    schema: { tags, summary: 'A token for a channel to fetch this feed with HTTP Basic (user: tokenId, password: secret), shown once', params: FeedParams },
  }, async (request) => {
    const { project, feed } = request.params;
    if (!FEEDS.includes(feed as Feed)) throw errors.RUN_INPUT_INVALID({ why: `${feed} is not a feed` });
    await d.checkProject(project);
    const id = `ft${randomBytes(8).toString('hex')}`;
    const secret = randomBytes(32).toString('base64url');
    const row = { project, id, feed, hash: hash(secret), create_time: new Date().toISOString() };
    await d.store.insertToken(row);
    return { ...tokenView(row, project), username: id, password: secret, note: 'shown once: Rouge keeps only its hash' };
  });
  app.get<{ Params: Static<typeof FeedParams> }>('/v1/projects/:project/feeds/:feed/tokens', {
    config: { permission: 'tagging.feedTokens.list' },
    schema: { tags, params: FeedParams },
  }, async (request) => ({ tokens: (await d.store.tokens(request.params.project, request.params.feed)).map((r) => tokenView(r, request.params.project)) }));
  app.delete<{ Params: Static<typeof TokenParams> }>('/v1/projects/:project/feeds/:feed/tokens/:token', {
    config: { permission: 'tagging.feedTokens.delete' },
    schema: { tags, summary: 'Revoke a feed token: the next fetch with it is refused', params: TokenParams, response: { 200: Empty } },
  }, async (request) => {
    const { project, feed, token } = request.params;
    if (!(await d.store.deleteToken(project, feed, token))) throw errors.FEED_TOKEN_NOT_FOUND({ token: `projects/${project}/feeds/${feed}/tokens/${token}` });
    return {};
  });
}

function empty(): FeedReport {
  return { items: 0, included: 0, excluded: [], changed: [] };
}
