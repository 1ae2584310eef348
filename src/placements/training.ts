import { Readable } from 'node:stream';
import type { CatalogFace } from '../catalog/index.js';
import { RougeError, type JobContext } from '../platform/index.js';
import type { RegistryFace } from '../registry/index.js';
import { trainRecs } from '../recs/index.js';
import * as errors from './errors.js';
import { RECS_FRAMEWORK } from './recommenders.js';
import { DEFAULT_EVENT_WEIGHTS, readTrainingData } from './training-data.js';

/** The job kind of a training run. */
export const TRAIN_JOB = 'placements.recs.train';

export interface TrainPayload {
  model?: string;
  /** A JSONL export under the project's import area to train on instead of the stored events. */
  eventsUri?: string;
  alias?: string;
  eventWeights?: Record<string, number>;
  /** Leave each shopper's last event out (a pipeline then evaluates on it, unseen). */
  holdOutLast?: boolean;
  /** Set by a pipeline step: the version's lineage, and how a retried step finds the version it registered already. */
  pipelineRun?: string;
}

/**
 * Trains a recommendation model from a project's events and items and
 * registers it as a new rouge-recs version, moving the alias when one is
 * asked for. The version is written in one step at the end, so a run killed
 * halfway leaves every served model as it was; a retried run may add a second
 * version, never a half-written one.
 */
export async function runTraining(deps: { catalog: CatalogFace; registry: RegistryFace }, payload: TrainPayload, job: JobContext): Promise<Record<string, unknown>> {
  const started = Date.now();
  const modelName = payload.model ?? 'recs';
  const weights = { ...DEFAULT_EVENT_WEIGHTS, ...(payload.eventWeights ?? {}) };
  await job.progress({ message: 'reading events' });
  const counts = { lines: 0, rejected: 0 };
  const source = payload.eventsUri ? deps.catalog.readEventsFile(job.project, payload.eventsUri, counts) : deps.catalog.events.export(job.project, undefined);
  const data = await readTrainingData(deps.catalog, job.project, source, weights, (events) => void job.progress({ message: 'reading events', events }));
  if (payload.holdOutLast) data.sequences = data.sequences.map(withoutLast).filter((s) => s.items.length > 0);
  const interactions = data.sequences.reduce((n, s) => n + s.items.length, 0);
  if (interactions === 0) throw errors.NO_EVENTS({ project: job.project });
  job.signal.throwIfAborted();
  await job.progress({ message: 'training', events: data.events, interactions });
  let last = 0;
  const model = trainRecs(data, undefined, (stage, done, total) => {
    const now = Date.now();
    if (now - last < 1000) return;
    last = now;
    void job.progress({ message: stage, percent: total > 0 ? (100 * done) / total : 0 });
  });
  job.signal.throwIfAborted();
  const bytes = model.serialize();
  await job.progress({ message: 'registering the version', percent: 100 });
  await deps.registry.models.get(job.project, modelName).catch(async (e: unknown) => {
    if (!(e instanceof RougeError) || e.reason !== 'MODEL_NOT_FOUND') throw e;
    await deps.registry.models.create(job.project, { name: modelName, description: 'Recommendations trained by Rouge from the project\'s user events' }).catch((err: unknown) => {
      // Two runs racing to create it: the other one did.
      if (!(err instanceof RougeError) || err.reason !== 'MODEL_ALREADY_EXISTS') throw err;
    });
  });
  const metrics: Record<string, number> = {};
  for (const [k, v] of Object.entries(model.stats.validation ?? {})) if (Number.isFinite(v)) metrics[k] = v;
  const version = await deps.registry.versions.create(job.project, modelName, {
    framework: RECS_FRAMEWORK,
    ...(payload.alias ? { aliases: [payload.alias] } : {}),
    metrics,
    description: `trained on ${data.events} events${payload.eventsUri ? ` of ${payload.eventsUri}` : ''}, ${interactions} weighted interactions`,
    lineage: payload.pipelineRun ? { pipelineRun: payload.pipelineRun } : { operation: `projects/${job.project}/operations/${job.id}` },
  }, Readable.from([Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)]), 'system:placements');
  return {
    modelVersion: version.name, versionAliases: version.versionAliases, events: data.events, interactions,
    ...(payload.eventsUri ? { eventsUri: payload.eventsUri, rejectedLines: counts.rejected } : {}),
    users: model.stats.users, items: model.stats.items, metrics, seconds: Math.round((Date.now() - started) / 100) / 10,
  };
}

/** A sequence without its last interaction. */
function withoutLast<T extends { items: string[]; times?: number[]; weights?: number[] }>(s: T): T {
  return { ...s, items: s.items.slice(0, -1), ...(s.times ? { times: s.times.slice(0, -1) } : {}), ...(s.weights ? { weights: s.weights.slice(0, -1) } : {}) };
}
