import { adsModule } from '../ads/index.js';
import { catalogModule } from '../catalog/index.js';
import { type RougeModule } from '../platform/index.js';
import { placementsModule } from '../placements/index.js';
import { registryModule } from '../registry/index.js';
import { servingModule } from '../serving/index.js';
import { taggingModule } from '../tagging/index.js';
import { loadDemoTagger } from './tagger.js';
import { pipelinesModule } from '../pipelines/index.js';
import { readFile } from 'node:fs/promises';
import { demoImagePng } from './image.js';
import { loadDemoAds } from './ads.js';
import { loadDemoExperiment } from './experiment.js';
import { DEMO_PROJECT, loadDemo } from './load.js';

/** Rendered images kept in memory: a catalogue page asks for the same few dozen again and again. */
const IMAGE_CACHE = 256;

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** What the rest of the app sees of the demo: when it is loaded, and whether this start created it. */
export interface DemoFace {
  /** Resolves once the demo project is ready (never, without --demo); rejects if loading failed. */
  loaded: Promise<{ created: boolean }>;
}

/**
 * `rouge serve --demo`: loads the demo project once the process listens
 * (`/readyz` answers 503 until it is ready) and serves each demo item's
 * generated packshot at `/demo/images/{id}.png`, the item's `imageLink`.
 */
export const demoModule: RougeModule<DemoFace> = {
  name: 'demo',
  requires: [catalogModule, registryModule, placementsModule, servingModule, adsModule, taggingModule, pipelinesModule],
  setup(ctx) {
    const catalog = ctx.use(catalogModule);
    let resolve!: (v: { created: boolean }) => void;
    let reject!: (e: unknown) => void;
    const loaded = new Promise<{ created: boolean }>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    loaded.catch(() => undefined);
    let state: 'off' | 'loading' | 'ready' | 'failed' = ctx.config.demo ? 'loading' : 'off';
    let failure = '';
    const images = new Map<string, Buffer>();
    return {
      face: { loaded },
      routes: {
        api: (app) => {
          app.get<{ Params: { file: string } }>('/demo/images/:file', {
            config: { public: true, exposure: 'public' },
            schema: { tags: ['demo'], summary: 'A demo item\'s generated product image (with --demo)', params: { type: 'object', properties: { file: { type: 'string', pattern: '^[A-Za-z0-9._~-]{1,128}\\.png$' } }, required: ['file'] } },
          }, async (request, reply) => {
            const id = request.params.file.slice(0, -'.png'.length);
            let png = images.get(id);
            if (!png) {
              if (state === 'off') return reply.code(404).type('text/plain').send('the demo is not loaded (start with rouge serve --demo)\n');
              const item = await catalog.items.get(DEMO_PROJECT, id);
              png = await demoImagePng({ ...item, attributes: item.attributes as Record<string, string | number | boolean> });
              if (images.size >= IMAGE_CACHE) images.delete(images.keys().next().value!);
              images.set(id, png);
            }
            return reply.type('image/png').header('cache-control', 'public, max-age=86400').send(png);
          });
          // The items' `link`: a bare product page, so the demo's links (and feeds built from them later) resolve.
          app.get<{ Params: { id: string } }>('/demo/products/:id', {
            config: { public: true, exposure: 'public' },
            schema: { tags: ['demo'], summary: 'A demo item\'s product page (with --demo)', params: { type: 'object', properties: { id: { type: 'string', pattern: '^[A-Za-z0-9._~-]{1,128}$' } }, required: ['id'] } },
          }, async (request, reply) => {
            if (state === 'off') return reply.code(404).type('text/plain').send('the demo is not loaded (start with rouge serve --demo)\n');
            const item = await catalog.items.get(DEMO_PROJECT, request.params.id);
            const price = item.price ? `${(item.price.amount / 100).toFixed(2)} ${item.price.currency}` : '';
            return reply.type('text/html; charset=utf-8').send(
              `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(item.title)}</title></head><body>` +
                `<h1>${escapeHtml(item.title)}</h1><p>${escapeHtml(item.brand)} · ${escapeHtml(item.categoryPath.join(' > '))} · ${escapeHtml(price)} · ${escapeHtml(item.availability)}</p>` +
                `<img src="/demo/images/${encodeURIComponent(item.id)}.png" width="512" height="512" alt=""><p>${escapeHtml(item.description)}</p></body></html>\n`,
            );
          });
        },
      },
      readiness: async () => (state === 'loading' ? 'loading the demo project' : state === 'failed' ? `loading the demo project failed: ${failure}` : undefined),
      start: () => {
        if (!ctx.config.demo) return;
        const host = ctx.config.host === '0.0.0.0' || ctx.config.host === '::' ? 'localhost' : ctx.config.host;
        const baseUrl = `${ctx.config.tlsCert ? 'https' : 'http'}://${host}:${ctx.config.port}`;
        const log = (line: string) => ctx.log.info(line);
        const deps = { projects: ctx.projects, catalog, registry: ctx.use(registryModule), placements: ctx.use(placementsModule), serving: ctx.use(servingModule), jobs: ctx.jobs, log };
        void loadDemo(deps, { baseUrl })
          .then(async (r) => {
            await loadDemoAds({ catalog, ads: ctx.use(adsModule), placements: deps.placements, log }, DEMO_PROJECT);
            await loadDemoExperiment(deps, DEMO_PROJECT, 1);
            // Every demo image analysed in the background, once per store: the run fetches them from this server.
            await ctx.use(taggingModule).setFeedLabels(DEMO_PROJECT, ['colour_family', 'image_quality', 'background', null, null]);
            // A first product-type tagger, so the analysis below classifies every image and queues the uncertain ones for review.
            // Best effort: without it the demo still loads, and the image analysis simply classifies nothing.
            await loadDemoTagger({ catalog, registry: deps.registry, tagging: ctx.use(taggingModule), log }, DEMO_PROJECT)
              .catch((e: unknown) => ctx.log.warn({ err: e }, 'demo: training the product-type tagger failed; the review queue stays empty (rouge tags train --labels makes one)'));
            const run = await ctx.use(taggingModule).startRun(DEMO_PROJECT, {}, { key: 'demo-first-analysis', createdBy: 'system:demo' });
            log(`demo: analysing the catalogue's images (${run.name}; rouge tags report ${run.name.split('/').pop()} --project demo)`);
            // The seed's retraining chain, ready to run: rouge pipelines run retrain-recs --project demo.
            await ctx.use(pipelinesModule).apply(DEMO_PROJECT, await readFile(new URL('../../examples/pipelines/retrain-recs.yaml', import.meta.url), 'utf8'));
            state = 'ready';
            resolve(r);
          }, (e: unknown) => {
            state = 'failed';
            failure = (e as Error).message;
            ctx.log.error({ err: e }, 'loading the demo project failed');
            reject(e);
          });
      },
    };
  },
};
