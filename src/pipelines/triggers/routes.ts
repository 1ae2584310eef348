import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Static } from 'typebox';
import { ulid } from 'ulid';
import { customMethod, cutPage, readPage, type Cache } from '../../platform/index.js';
import { checkParameters } from '../engine.js';
import * as pipelineErrors from '../errors.js';
import type { PipelineSpec } from '../spec.js';
import type { PipelineStore } from '../store.js';
import { typeMatches } from '../validate.js';
import { backfill } from './backfill.js';
import { nextFire } from './cron.js';
import type { Deliverer } from './deliver.js';
import * as errors from './errors.js';
import { readCloudEvents } from './intake.js';
import * as S from './schemas.js';
import { newSigningSecret, type SecretBox } from './secret-box.js';
import { MISMATCH, verifySignature } from './signature.js';
import { CreateTriggerBody, checkTrigger, triggerView, type CreateTrigger, type TriggerSpec } from './spec.js';
import type { TriggerStore } from './store.js';
import type { DeliveryRow, TriggerRow } from './tables.js';
import { fillParameters } from './template.js';
import { deliveryView } from './views.js';

export interface TriggerRouteDeps {
  triggers: TriggerStore;
  pipelines: PipelineStore;
  deliverer: Deliverer;
  box: SecretBox;
  /** The shared cache: the set of signatures already used lives here, so every process refuses a replay. */
  cache: Cache;
  /** Asks this process's matcher (when it runs one) to look at new events now rather than at its next tick. */
  wake: () => void;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
/** How long a used signature is remembered: longer than the window in which it would be accepted. */
const REPLAY_TTL_MS = 11 * 60_000;

/** Triggers (schedules, events, HTTP functions), their deliveries and dead letters, and the CloudEvents intake, on `api`. */
export function registerTriggerRoutes(app: FastifyInstance, d: TriggerRouteDeps): void {
  const tags = ['triggers'];
  const base = '/v1/projects/:project/triggers';
  const resource = (p: Record<string, string>) => `triggers/${p.trigger}`;
  const baseUrl = (r: FastifyRequest) => `${r.protocol}://${r.host}`;
  const trigger = async (project: string, name: string) => {
    const t = await d.triggers.get(project, name);
    if (!t) throw errors.TRIGGER_NOT_FOUND({ trigger: `projects/${project}/triggers/${name}` });
    return t;
  };
  const pipeline = async (project: string, name: string) => {
    const p = await d.pipelines.pipeline(project, name);
    if (!p) throw pipelineErrors.PIPELINE_NOT_FOUND({ pipeline: `projects/${project}/pipelines/${name}` });
    return p;
  };

  app.post<{ Params: Static<typeof S.ProjectParams>; Body: CreateTrigger }>(base, {
    config: { permission: 'pipelines.triggers.create', secretResponse: true },
    schema: { tags, summary: 'Create a trigger: a schedule, an event filter or an HTTP function that starts a pipeline (an HTTP trigger\'s signing secret is in the answer, once)', params: S.ProjectParams, body: CreateTriggerBody, response: { 200: S.Trigger } },
  }, async (request) => {
    const { project } = request.params;
    const b = request.body;
    const { kind, spec } = checkTrigger(b);
    const p = await pipeline(project, b.pipeline);
    const declared = (JSON.parse(p.spec) as PipelineSpec).parameters ?? {};
    for (const [k, v] of Object.entries(spec.parameters)) {
      if (!Object.hasOwn(declared, k)) throw errors.TRIGGER_INVALID({ field: `parameters.${k}`, why: `pipeline ${p.name} has no parameter ${k} (it has ${Object.keys(declared).join(', ') || 'none'})` });
      if (!(typeof v === 'string' && v.includes('${{')) && !typeMatches(declared[k]!.type, v)) throw errors.TRIGGER_INVALID({ field: `parameters.${k}`, why: `must be a ${declared[k]!.type}; got ${JSON.stringify(v)}` });
    }
    const secret = kind === 'http' ? newSigningSecret() : undefined;
    const now = new Date();
    const row: TriggerRow = {
      project, name: b.triggerId, pipeline: b.pipeline, kind, spec: JSON.stringify(spec), secret: secret ? d.box.seal(secret) : null, run_as: request.principalName, paused: 0,
      next_fire_time: kind === 'schedule' ? nextFire(spec.schedule!, spec.timeZone!, now)?.toISOString() ?? null : null,
      cursor: null, create_time: now.toISOString(), update_time: now.toISOString(),
    };
    if (!(await d.triggers.insert(row))) throw errors.TRIGGER_EXISTS({ trigger: `projects/${project}/triggers/${b.triggerId}` });
    return { ...triggerView(row, baseUrl(request)), ...(secret ? { signingSecret: secret } : {}) };
  });
  app.get<{ Params: Static<typeof S.ProjectParams>; Querystring: Static<typeof S.ListQuery> }>(base, {
    config: { permission: 'pipelines.triggers.list' },
    schema: { tags, summary: 'The project\'s triggers (of one pipeline with ?pipeline=)', params: S.ProjectParams, querystring: S.ListQuery },
  }, async (request) => {
    const page = readPage(request.query);
    const rows = await d.triggers.list(request.params.project, page.pageSize + 1, page.after?.[0], request.query.pipeline);
    const { items, nextPageToken } = cutPage(rows, page.pageSize, (t) => [t.name]);
    return { triggers: items.map((t) => triggerView(t, baseUrl(request))), ...(nextPageToken ? { nextPageToken } : {}) };
  });
  app.get<{ Params: Static<typeof S.TriggerParams> }>(`${base}/:trigger`, {
    config: { permission: 'pipelines.triggers.get', resource },
    schema: { tags, summary: 'A trigger, with its next fire time when it is a schedule', params: S.TriggerParams, response: { 200: S.Trigger } },
  }, async (request) => triggerView(await trigger(request.params.project, request.params.trigger), baseUrl(request)));
  app.delete<{ Params: Static<typeof S.TriggerParams> }>(`${base}/:trigger`, {
    config: { permission: 'pipelines.triggers.delete', resource },
    schema: { tags, summary: 'Delete a trigger and its deliveries (its runs stay readable)', params: S.TriggerParams },
  }, async (request) => {
    const { project, trigger: name } = request.params;
    if (!(await d.triggers.deleteWithDeliveries(project, name))) throw errors.TRIGGER_NOT_FOUND({ trigger: `projects/${project}/triggers/${name}` });
    return {};
  });
  for (const [verb, paused] of [['pause', true], ['resume', false]] as const) {
    app.post<{ Params: Static<typeof S.TriggerParams> }>(`${base}/${customMethod('trigger', verb)}`, {
      config: { permission: 'pipelines.triggers.update', resource },
      schema: { tags, summary: paused ? 'Pause a trigger: it fires nothing until resumed' : 'Resume a trigger: a schedule fires from its next time after now (times passed while paused are not run)', params: S.TriggerParams, response: { 200: S.Trigger } },
    }, async (request) => {
      const t = await trigger(request.params.project, request.params.trigger);
      const spec = JSON.parse(t.spec) as TriggerSpec;
      const next = !paused && t.kind === 'schedule' ? nextFire(spec.schedule!, spec.timeZone!, new Date())?.toISOString() ?? null : t.next_fire_time;
      // An event trigger resumes from now: events while it was paused are not matched.
      await d.triggers.update(t.project, t.name, { paused: paused ? 1 : 0, next_fire_time: next, ...(!paused && t.kind === 'event' ? { cursor: new Date().toISOString() } : {}) });
      return triggerView((await d.triggers.get(t.project, t.name))!, baseUrl(request));
    });
  }
  app.post<{ Params: Static<typeof S.TriggerParams> }>(`${base}/${customMethod('trigger', 'rotateSecret')}`, {
    config: { permission: 'pipelines.triggers.update', resource, secretResponse: true },
    schema: { tags, summary: 'Give an HTTP trigger a new signing secret (shown once); the old one stops working at once', params: S.TriggerParams, response: { 200: S.Trigger } },
  }, async (request) => {
    const t = await trigger(request.params.project, request.params.trigger);
    if (t.kind !== 'http') throw errors.TRIGGER_KIND_MISMATCH({ trigger: t.name, kind: t.kind, want: 'only an HTTP trigger has a signing secret' });
    const secret = newSigningSecret();
    await d.triggers.update(t.project, t.name, { secret: d.box.seal(secret) });
    return { ...triggerView((await d.triggers.get(t.project, t.name))!, baseUrl(request)), signingSecret: secret };
  });
  app.post<{ Params: Static<typeof S.TriggerParams>; Body: Static<typeof S.BackfillBody> }>(`${base}/${customMethod('trigger', 'backfill')}`, {
    config: { permission: 'pipelines.runs.create', resource },
    schema: { tags, summary: 'Run a schedule\'s pipeline for each of its times in a date range (missing, failed or all); the runs queue behind maxActiveRuns', params: S.TriggerParams, body: S.BackfillBody },
  }, async (request) => {
    const t = await trigger(request.params.project, request.params.trigger);
    await pipeline(t.project, t.pipeline);
    return backfill(d.triggers, d.deliverer, t, request.body.from, request.body.to, request.body.only ?? 'missing', (id) => `projects/${t.project}/pipelineRuns/${id}`);
  });

  void app.register(async (raw) => {
    // :invoke verifies a signature over the body exactly as sent, and the intake reads any content type: both take the raw bytes.
    raw.removeAllContentTypeParsers();
    raw.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 1024 * 1024 }, (_req, body, done) => done(null, body));
    raw.post<{ Params: Static<typeof S.TriggerParams> }>(`${base}/${customMethod('trigger', 'invoke')}`, {
      config: { permission: 'pipelines.triggers.invoke', resource, signature: true, exposure: 'internal' },
      schema: { tags, summary: 'Call an HTTP trigger: the JSON body is the run\'s parameters; with a key, or with Rouge-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">. Answers at once with the run\'s name', params: S.TriggerParams },
    }, async (request, reply) => {
      const { project, trigger: name } = request.params;
      const body = (request.body as Buffer | undefined) ?? Buffer.alloc(0);
      const signed = request.principalName === 'anonymous';
      const found = await d.triggers.get(project, name);
      if (signed) {
        // Without a key, a missing trigger, another kind and a bad signature answer alike: no probing of what exists.
        const secret = found?.kind === 'http' && found.secret ? d.box.open(found.secret) : undefined;
        const verdict = secret ? verifySignature(String(request.headers['rouge-signature']), body, secret, Date.now()) : undefined;
        if (!verdict?.ok) throw errors.SIGNATURE_INVALID({ why: verdict?.message ?? MISMATCH });
        const first = await d.cache.incrementCapped(`pipelines:trigger-signature:${project}/${name}:${verdict.v1}`, 1, 1, REPLAY_TTL_MS);
        if (!first.ok) throw errors.SIGNATURE_REPLAYED();
        request.principalName = `signature:triggers/${name}`;
      }
      const t = found ?? (await trigger(project, name));
      if (t.kind !== 'http') throw errors.TRIGGER_KIND_MISMATCH({ trigger: t.name, kind: t.kind, want: 'only an HTTP trigger can be invoked' });
      if (t.paused) throw errors.TRIGGER_PAUSED({ trigger: `projects/${project}/triggers/${name}` });
      const given = parseParameters(body);
      const p = await pipeline(project, t.pipeline);
      const spec = JSON.parse(t.spec) as TriggerSpec;
      const parameters = { ...fillParameters(spec.parameters, {}), ...given };
      checkParameters(JSON.parse(p.spec) as PipelineSpec, parameters);
      const header = request.headers['idempotency-key'];
      if (header !== undefined && (typeof header !== 'string' || !IDEMPOTENCY_KEY.test(header))) throw errors.TRIGGER_INVALID({ field: 'Idempotency-Key', why: 'it must be 1 to 255 printable ASCII characters' });
      const now = new Date();
      const row: DeliveryRow = {
        project, id: ulid(), trigger: name, key: `http:${header ?? ulid()}`, state: 'PENDING', run: ulid(), parameters: JSON.stringify(parameters), scheduled_time: null,
        body_hash: createHash('sha256').update(body).digest('base64url'), attempts: 0, next_attempt_time: now.toISOString(),
        lease_until: new Date(now.getTime() + 60_000).toISOString(), reason: null, create_time: now.toISOString(), update_time: now.toISOString(),
      };
      const stored = await d.triggers.putDelivery(row);
      if (!stored.created && stored.row.body_hash !== row.body_hash) throw errors.IDEMPOTENCY_KEY_REUSED();
      let state = stored.row.state;
      if (stored.created || state === 'PENDING') state = (await d.deliverer.deliver(stored.row, now)).state;
      const delivered = (await d.triggers.delivery(project, stored.row.id))!;
      reply.code(state === 'DELIVERED' ? 200 : 202);
      return { name: `projects/${project}/pipelineRuns/${delivered.run}`, runId: delivered.run, delivery: deliveryView(delivered) };
    });
    raw.post<{ Params: Static<typeof S.ProjectParams> }>('/v1/projects/:project/cloudEvents', {
      config: { permission: 'pipelines.events.publish', exposure: 'internal' },
      schema: { tags, summary: 'Post CloudEvents 1.0 (binary, structured or batched mode) for event triggers; deduplicated on (source, id); rouge.* types and Rouge\'s sources are refused', params: S.ProjectParams },
    }, async (request, reply) => {
      const { project } = request.params;
      const events = readCloudEvents(request.headers, (request.body as Buffer | undefined) ?? Buffer.alloc(0));
      const now = new Date().toISOString();
      const out = [];
      for (const e of events) {
        const fresh = await d.triggers.insertEvent({ project, source: e.source, id: e.id, type: e.type, subject: e.subject ?? null, time: e.time ?? now, data: JSON.stringify(e.data ?? null), received_time: now });
        out.push({ id: e.id, source: e.source, type: e.type, duplicate: !fresh });
      }
      d.wake();
      reply.code(202);
      return { events: out };
    });
  });

  const deliveries = '/v1/projects/:project/triggerDeliveries';
  app.get<{ Params: Static<typeof S.ProjectParams>; Querystring: Static<typeof S.DeliveriesQuery> }>(deliveries, {
    config: { permission: 'pipelines.triggers.list' },
    schema: { tags, summary: 'Firings of triggers, newest first; ?state=DEAD lists the dead letters', params: S.ProjectParams, querystring: S.DeliveriesQuery },
  }, async (request) => {
    const page = readPage(request.query);
    const rows = await d.triggers.deliveries(request.params.project, { ...(request.query.trigger ? { trigger: request.query.trigger } : {}), ...(request.query.state ? { state: request.query.state } : {}) }, page.pageSize + 1, page.after?.[0]);
    const { items, nextPageToken } = cutPage(rows, page.pageSize, (r) => [r.id]);
    return { deliveries: items.map(deliveryView), ...(nextPageToken ? { nextPageToken } : {}) };
  });
  app.post<{ Params: Static<typeof S.DeliveryParams> }>(`${deliveries}/${customMethod('delivery', 'replay')}`, {
    config: { permission: 'pipelines.runs.create' },
    schema: { tags, summary: 'Replay a dead letter: deliver it again now (after fixing the pipeline, or resuming it)', params: S.DeliveryParams, response: { 200: S.Delivery } },
  }, async (request) => {
    const { project, delivery: id } = request.params;
    const row = await d.triggers.delivery(project, id);
    if (!row) throw errors.DELIVERY_NOT_FOUND({ delivery: `projects/${project}/triggerDeliveries/${id}` });
    if (row.state !== 'DEAD') throw errors.DELIVERY_NOT_DEAD({ delivery: `projects/${project}/triggerDeliveries/${id}`, state: row.state });
    const now = new Date();
    const again: DeliveryRow = { ...row, state: 'PENDING', attempts: 0, reason: null, create_time: now.toISOString(), next_attempt_time: now.toISOString(), lease_until: new Date(now.getTime() + 60_000).toISOString() };
    if (!(await d.triggers.settle(row, ['DEAD'], { state: 'PENDING', attempts: 0, reason: null, create_time: again.create_time, next_attempt_time: again.next_attempt_time, lease_until: again.lease_until }))) {
      throw errors.DELIVERY_NOT_DEAD({ delivery: `projects/${project}/triggerDeliveries/${id}`, state: 'being replayed' });
    }
    await d.deliverer.deliver(again, now);
    return deliveryView((await d.triggers.delivery(project, id))!);
  });
}

/** An invocation's body: a JSON object of scalar parameters (empty: none). */
function parseParameters(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw pipelineErrors.PARAMETERS_INVALID({ why: `the body must be a JSON object of parameters (${(e as Error).message})` });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw pipelineErrors.PARAMETERS_INVALID({ why: 'the body must be a JSON object of parameters, e.g. {"since": "2026-11-01"}' });
  for (const [k, v] of Object.entries(parsed)) {
    if (!['string', 'number', 'boolean'].includes(typeof v)) throw pipelineErrors.PARAMETERS_INVALID({ why: `${k} must be a string, number or boolean` });
    if (typeof v === 'string' && v.includes('\u0000')) throw pipelineErrors.PARAMETERS_INVALID({ why: `${k} holds a NUL character` });
  }
  // fromEntries defines own properties: a "__proto__" key stays a key (and is refused as an unknown parameter).
  return Object.fromEntries(Object.entries(parsed));
}
