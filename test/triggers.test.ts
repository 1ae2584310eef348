/**
 * Triggers end to end on both stores: schedules (time zones, missed times,
 * overlap policies, one firing per time whatever races), HTTP functions
 * (keys, Stripe-style signatures, replays, Idempotency-Key), event triggers
 * on platform and posted CloudEvents, backfill and dead letters. Time is
 * driven by passing `now` to the trigger loop, never by waiting.
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pipelinesModule } from '../src/pipelines/index.js';
import { PipelineEngine } from '../src/pipelines/engine.js';
import { PipelineStore } from '../src/pipelines/store.js';
import { Deliverer } from '../src/pipelines/triggers/deliver.js';
import { EventMatcher } from '../src/pipelines/triggers/matcher.js';
import { Scheduler } from '../src/pipelines/triggers/scheduler.js';
import { TriggerStore } from '../src/pipelines/triggers/store.js';
import { signatureHeader } from '../src/pipelines/triggers/signature.js';
import { reasonOf } from './catalog-helpers.js';
import { ADMIN_KEY, bearer, buildTestApp } from './helpers/app.js';
import { STORE_KINDS } from './helpers/stores.js';

const P = 'etl';
const NIGHTLY = `
name: nightly
maxActiveRuns: 100
parameters:
  since: { type: string, default: "2026-01-01" }
  count: { type: integer, default: 1 }
steps:
  - name: wait
    kind: approval
`;

type Trigger = { name: string; kind: string; nextFireTime?: string; signingSecret?: string; http?: { url: string }; runAs: string };
type Delivery = { deliveryId: string; state: string; run: string; reason?: string; scheduledTime?: string; parameters: Record<string, unknown> };
type Run = { runId: string; state: string; parameters: Record<string, unknown>; trigger?: string };

describe.each(STORE_KINDS)('triggers on %s', (storeKind) => {
  let app: FastifyInstance;
  let base: string;
  const tick = (now: Date) => app.rouge.use(pipelinesModule).tickTriggers(now);
  const create = (body: object) => app.inject({ method: 'POST', url: `/v1/projects/${P}/triggers`, payload: body });
  const made = async (body: object) => {
    const res = await create(body);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as Trigger;
  };
  const deliveries = async (trigger: string, state?: string) =>
    ((await app.inject({ url: `/v1/projects/${P}/triggerDeliveries?trigger=${trigger}&pageSize=1000${state ? `&state=${state}` : ''}` })).json() as { deliveries: Delivery[] }).deliveries;
  const runsOf = async (trigger: string) => {
    const all = ((await app.inject({ url: `/v1/projects/${P}/pipelineRuns?pageSize=1000` })).json() as { pipelineRuns: Run[] }).pipelineRuns;
    return all.filter((r) => r.trigger === `projects/${P}/triggers/${trigger}`);
  };
  const put = async (name: string, source: string) => expect((await app.inject({ method: 'PUT', url: `/v1/projects/${P}/pipelines/${name}`, payload: { source } })).statusCode).toBe(200);

  beforeAll(async () => {
    app = await buildTestApp(storeKind);
    expect((await app.inject({ method: 'POST', url: '/v1/projects', payload: { name: P } })).statusCode).toBe(200);
    await put('nightly', NIGHTLY);
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  }, 120_000);
  afterAll(() => app?.close());

  it('refuses a bad trigger with a message that says what to fix, and saves nothing', async () => {
    const bad: Array<[object, string, RegExp]> = [
      [{ triggerId: 'b1', pipeline: 'nightly', schedule: '0 0 2 * * *' }, 'TRIGGER_INVALID', /seconds field is not supported/],
      [{ triggerId: 'b2', pipeline: 'nightly', schedule: '0 25 * * *' }, 'TRIGGER_INVALID', /not a valid cron expression/],
      [{ triggerId: 'b3', pipeline: 'nightly', schedule: '0 2 * * *', timeZone: 'Asia/Bombay2' }, 'TRIGGER_INVALID', /timeZone.*not an IANA time zone/],
      [{ triggerId: 'b4', pipeline: 'nightly', schedule: '0 2 * * *', http: true }, 'TRIGGER_INVALID', /exactly one of/],
      [{ triggerId: 'b5', pipeline: 'nightly', http: true, parameters: { sinse: 'x' } }, 'TRIGGER_INVALID', /has no parameter sinse/],
      [{ triggerId: 'b6', pipeline: 'nightly', http: true, parameters: { count: 'many' } }, 'TRIGGER_INVALID', /parameters.count: must be a integer/],
      [{ triggerId: 'b7', pipeline: 'nightly', schedule: '0 2 * * *', parameters: { since: '${{ event.subject }}' } }, 'TRIGGER_INVALID', /not something a schedule trigger knows/],
      [{ triggerId: 'b8', pipeline: 'nowhere', http: true }, 'PIPELINE_NOT_FOUND', /rouge pipelines apply/],
    ];
    for (const [body, reason, message] of bad) {
      const res = await create(body);
      expect(reasonOf(res), res.body).toBe(reason);
      expect(res.json().error.message).toMatch(message);
    }
    expect(((await app.inject({ url: `/v1/projects/${P}/triggers` })).json() as { triggers: unknown[] }).triggers).toEqual([]);
  });

  it('fires a schedule at wall-clock time in its zone, once per time, with the date as a parameter', async () => {
    const t = await made({ triggerId: 'kolkata', pipeline: 'nightly', schedule: '0 2 * * *', timeZone: 'Asia/Kolkata', parameters: { since: '${{ schedule.date }}' }, overlapPolicy: 'allow' });
    const due = new Date(t.nextFireTime!);
    expect(due.getUTCHours() * 60 + due.getUTCMinutes()).toBe(20 * 60 + 30); // 02:00 IST
    expect((await tick(new Date(due.getTime() - 1000))).fired).toBe(0);
    const at = new Date(due.getTime() + 1000);
    expect((await tick(at)).fired).toBe(1);
    expect((await tick(at)).fired).toBe(0);
    const runs = await runsOf('kolkata');
    expect(runs).toHaveLength(1);
    const istDate = new Date(due.getTime() + 5.5 * 3600_000).toISOString().slice(0, 10);
    expect(runs[0]!.parameters).toEqual({ since: istDate, count: 1 });
    const after = (await app.inject({ url: `/v1/projects/${P}/triggers/kolkata` })).json() as Trigger;
    expect(Date.parse(after.nextFireTime!) - due.getTime()).toBe(86_400_000);
  });

  it('records each (trigger, time) once when several workers tick at the same moment, for 1,000 schedules due in the same minute', async () => {
    const store = new TriggerStore(app.rouge.store);
    // Their pipeline is paused: this is about recording firings; starting runs is the deliverer's, tested below.
    await put('quiet', 'name: quiet\nsteps:\n  - { name: wait, kind: approval }\n');
    await app.inject({ method: 'POST', url: `/v1/projects/${P}/pipelines/quiet:pause` });
    const now = new Date();
    const due = new Date(Math.ceil(now.getTime() / 60_000) * 60_000 + 60_000);
    const spec = JSON.stringify({ schedule: '* * * * *', timeZone: 'Etc/UTC', overlapPolicy: 'allow', catchUpWindowSeconds: 0, parameters: {}, maxPausedSeconds: 86_400 });
    const many = Array.from({ length: 1000 }, (_, i) => ({ project: P, name: `many-${String(i).padStart(4, '0')}`, pipeline: 'quiet', kind: 'schedule', spec, secret: null, run_as: 'user:admin', paused: 0, next_fire_time: due.toISOString(), cursor: null, create_time: now.toISOString(), update_time: now.toISOString() }));
    for (let i = 0; i < many.length; i += 200) await app.rouge.store.typed<any>().insertInto('pipeline_triggers').values(many.slice(i, i + 200)).execute();
    const at = new Date(due.getTime() + 2000);
    const fired = await Promise.all([new Scheduler(store).tick(at), new Scheduler(new TriggerStore(app.rouge.store)).tick(at), new Scheduler(store).tick(at)]);
    expect(fired.reduce((a, b) => a + b, 0)).toBe(1000);
    const db = app.rouge.store.typed<any>();
    const rows = await db.selectFrom('trigger_deliveries').select(['trigger', 'scheduled_time', 'state']).where('trigger', 'like', 'many-%').execute();
    expect(rows).toHaveLength(1000);
    expect(new Set(rows.map((r: { trigger: string }) => r.trigger)).size).toBe(1000);
    expect(new Set(rows.map((r: { scheduled_time: string }) => r.scheduled_time))).toEqual(new Set([due.toISOString()]));
    expect((await new Scheduler(store).tick(at))).toBe(0);
    await db.deleteFrom('trigger_deliveries').where('trigger', 'like', 'many-%').execute();
    await db.deleteFrom('pipeline_triggers').where('name', 'like', 'many-%').execute();
  }, 120_000);

  it('skips times missed while no worker ran, unless a catch-up window covers them', async () => {
    const skip = await made({ triggerId: 'skipper', pipeline: 'nightly', schedule: '0 3 * * *', overlapPolicy: 'allow' });
    const catchUp = await made({ triggerId: 'catcher', pipeline: 'nightly', schedule: '0 3 * * *', overlapPolicy: 'allow', catchUpWindowSeconds: 3 * 86_400 });
    const later = new Date(Date.parse(skip.nextFireTime!) + 2 * 86_400_000 + 3600_000);
    expect(catchUp.nextFireTime).toBe(skip.nextFireTime);
    await tick(later);
    const skipped = await deliveries('skipper');
    expect(skipped.map((d) => d.state)).toEqual(['SKIPPED', 'SKIPPED', 'SKIPPED']);
    expect(skipped[0]!.reason).toMatch(/missed: no worker was running/);
    expect(await runsOf('skipper')).toHaveLength(0);
    expect((await deliveries('catcher')).map((d) => d.state)).toEqual(['DELIVERED', 'DELIVERED', 'DELIVERED']);
    expect(await runsOf('catcher')).toHaveLength(3);
  });

  it('keeps to its overlap policy: forbid skips while the last run goes on, replace cancels it', async () => {
    const forbid = await made({ triggerId: 'forbid', pipeline: 'nightly', schedule: '*/5 * * * *' });
    const first = new Date(Date.parse(forbid.nextFireTime!) + 1000);
    await tick(first);
    await tick(new Date(first.getTime() + 5 * 60_000));
    const d = await deliveries('forbid');
    expect(d.map((x) => x.state)).toEqual(['SKIPPED', 'DELIVERED']);
    expect(d[0]!.reason).toMatch(/still going \(overlapPolicy forbid\)/);
    const replace = await made({ triggerId: 'replace', pipeline: 'nightly', schedule: '*/5 * * * *', overlapPolicy: 'replace' });
    const at = new Date(Date.parse(replace.nextFireTime!) + 1000);
    await tick(at);
    const [old] = await runsOf('replace');
    await tick(new Date(at.getTime() + 5 * 60_000));
    const runs = await runsOf('replace');
    expect(runs).toHaveLength(2);
    expect(runs.find((r) => r.runId === old!.runId)!.state).toBe('CANCELLED');
    expect(['QUEUED', 'RUNNING']).toContain(runs.find((r) => r.runId !== old!.runId)!.state);
  });

  it('starts a run from an HTTP function called with a key, or with a signature, and refuses bad, stale and replayed ones', async () => {
    const t = await made({ triggerId: 'etl-done', pipeline: 'nightly', http: true });
    expect(t.signingSecret).toMatch(/^rsig_/);
    expect(t.http!.url).toMatch(/\/v1\/projects\/etl\/triggers\/etl-done:invoke$/);
    const again = (await app.inject({ url: `/v1/projects/${P}/triggers/etl-done` })).json() as Trigger;
    expect(again.signingSecret).toBeUndefined();
    const stored = await new TriggerStore(app.rouge.store).get(P, 'etl-done');
    expect(stored!.secret).not.toContain(t.signingSecret!.slice(5));

    const keyed = await app.inject({ method: 'POST', url: `/v1/projects/${P}/triggers/etl-done:invoke`, payload: { since: '2026-11-01' } });
    expect(keyed.statusCode, keyed.body).toBe(200);
    expect(keyed.json().name).toMatch(/^projects\/etl\/pipelineRuns\/[0-9A-Z]{26}$/);

    const url = `${base}/v1/projects/${P}/triggers/etl-done:invoke`;
    const body = JSON.stringify({ since: '2026-11-02' });
    const send = (signature: string, b = body, extra: Record<string, string> = {}) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'rouge-signature': signature, ...extra }, body: b });
    const sig = signatureHeader(t.signingSecret!, body);
    const signed = await send(sig);
    expect(signed.status).toBe(200);
    const run = (await signed.json()) as { runId: string };
    const got = (await app.inject({ url: `/v1/projects/${P}/pipelineRuns/${run.runId}` })).json() as Run;
    expect(got.parameters.since).toBe('2026-11-02');
    const errorOf = async (r: Response) => ((await r.json()) as { error: { details: Array<{ reason: string }>; message: string } }).error;
    const replayed = await send(sig);
    expect(replayed.status).toBe(401);
    expect((await errorOf(replayed)).details[0]!.reason).toBe('TRIGGER_SIGNATURE_REPLAYED');
    const stale = await send(signatureHeader(t.signingSecret!, body, Date.now() - 6 * 60_000));
    expect((await errorOf(stale)).message).toMatch(/more than 300 s from the server's clock/);
    const wrong = await send(signatureHeader('rsig_guess', body));
    expect((await errorOf(wrong)).details[0]!.reason).toBe('TRIGGER_SIGNATURE_INVALID');
    const tampered = await send(signatureHeader(t.signingSecret!, body), JSON.stringify({ since: '1999-01-01' }));
    expect(tampered.status).toBe(401);
    const unsigned = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(unsigned.status).toBe(401);
    const typed = await send(signatureHeader(t.signingSecret!, '{"count":"many"}'), '{"count":"many"}');
    expect(typed.status).toBe(400);
    expect((await errorOf(typed)).message).toMatch(/count must be a integer/);
    expect((await runsOf('etl-done')).length).toBe(2);
  });

  it('honours Idempotency-Key on :invoke: the same key gives the same run, another body under it a 409', async () => {
    await made({ triggerId: 'idem', pipeline: 'nightly', http: true });
    const call = (payload: object, key: string) => app.inject({ method: 'POST', url: `/v1/projects/${P}/triggers/idem:invoke`, payload, headers: { 'idempotency-key': key } });
    const a = await call({ since: '2026-11-03' }, 'etl-2026-11-03');
    const b = await call({ since: '2026-11-03' }, 'etl-2026-11-03');
    expect(a.json().runId).toBe(b.json().runId);
    expect(reasonOf(await call({ since: '2026-11-04' }, 'etl-2026-11-03'))).toBe('TRIGGER_IDEMPOTENCY_KEY_REUSED');
    expect(await runsOf('idem')).toHaveLength(1);
  });

  it('starts a run from a platform event, with the event\'s data as parameters', async () => {
    await put('on-version', 'name: on-version\nmaxActiveRuns: 10\nparameters:\n  version: { type: string }\nsteps:\n  - { name: wait, kind: approval }\n');
    await made({ triggerId: 'on-upload', pipeline: 'on-version', eventFilter: { type: 'rouge.model.version.created' }, parameters: { version: '${{ event.data.name }}' } });
    expect((await app.inject({ method: 'POST', url: `/v1/projects/${P}/models`, payload: { name: 'ctr' } })).statusCode).toBe(200);
    const { multipart } = await import('./helpers/multipart.js');
    const m = multipart([{ name: 'metadata', value: JSON.stringify({ framework: 'http', spec: { upstreams: ['http://10.0.0.5:8080'] } }) }]);
    const v = await app.inject({ method: 'POST', url: `/v1/projects/${P}/models/ctr/versions`, ...m });
    expect(v.statusCode, v.body).toBe(200);
    await tick(new Date());
    await tick(new Date());
    const runs = await runsOf('on-upload');
    expect(runs).toHaveLength(1);
    expect(runs[0]!.parameters.version).toBe(v.json().name);
  });

  it('takes CloudEvents in binary and structured mode, deduplicates on (source, id), and refuses forged or incomplete ones', async () => {
    await made({ triggerId: 'on-etl', pipeline: 'nightly', eventFilter: { type: 'com.shop.etl.finished', source: '//etl/airflow' }, parameters: { since: '${{ event.data.partition }}' } });
    const post = (headers: Record<string, string>, payload: string) => app.inject({ method: 'POST', url: `/v1/projects/${P}/cloudEvents`, headers, payload });
    const binary = { 'ce-id': 'run-1', 'ce-source': '//etl/airflow', 'ce-specversion': '1.0', 'ce-type': 'com.shop.etl.finished', 'content-type': 'application/json' };
    const first = await post(binary, '{"partition":"2026-11-05"}');
    expect(first.statusCode, first.body).toBe(202);
    expect(first.json().events[0].duplicate).toBe(false);
    expect((await post(binary, '{"partition":"2026-11-05"}')).json().events[0].duplicate).toBe(true);
    const structured = { specversion: '1.0', id: 'run-2', source: '//etl/airflow', type: 'com.shop.etl.finished', data: { partition: '2026-11-06' } };
    expect((await post({ 'content-type': 'application/cloudevents+json' }, JSON.stringify(structured))).statusCode).toBe(202);
    // Another source does not match the filter.
    expect((await post({ ...binary, 'ce-id': 'run-3', 'ce-source': '//etl/other' }, '{"partition":"2026-11-07"}')).statusCode).toBe(202);
    await tick(new Date());
    await tick(new Date());
    const runs = await runsOf('on-etl');
    expect(runs.map((r) => r.parameters.since).sort()).toEqual(['2026-11-05', '2026-11-06']);

    expect(reasonOf(await post({ ...binary, 'ce-id': '' }, '{}'))).toBe('CLOUD_EVENT_INVALID');
    expect(reasonOf(await post({ 'content-type': 'application/cloudevents+json' }, JSON.stringify({ ...structured, specversion: undefined })))).toBe('CLOUD_EVENT_INVALID');
    expect(reasonOf(await post({ 'content-type': 'application/json' }, '{"partition":"x"}'))).toBe('CLOUD_EVENT_INVALID');
    expect(reasonOf(await post({ ...binary, 'ce-type': 'rouge.model.version.created' }, '{}'))).toBe('CLOUD_EVENT_RESERVED');
    expect(reasonOf(await post({ ...binary, 'ce-source': `//rouge/projects/${P}` }, '{}'))).toBe('CLOUD_EVENT_RESERVED');
  });

  it('matches every event of a flood sharing one received time, past a page of them, and a rescan records none again', async () => {
    await made({ triggerId: 'flood', pipeline: 'nightly', eventFilter: { type: 'com.shop.flood' } });
    const store = new TriggerStore(app.rouge.store);
    // Batches posted in the same millisecond by several processes share a received time; 650 is past the matcher's page of 500.
    const received = new Date(Date.now() + 1000).toISOString();
    for (let i = 0; i < 650; i++) await store.insertEvent({ project: P, source: `//shop/${i % 3}`, id: `flood-${i}`, type: 'com.shop.flood', subject: null, time: received, data: 'null', received_time: received });
    const matcher = new EventMatcher(store, app.rouge.events);
    const later = new Date(Date.parse(received) + 1000);
    expect(await matcher.scan(later)).toBe(650);
    expect(await matcher.scan(later)).toBe(0);
    expect(await deliveries('flood')).toHaveLength(650);
    // Its firings would start 650 runs in the next tests' ticks.
    await store.deleteWithDeliveries(P, 'flood');
  });

  it('backfills a schedule over a date range: missing, failed or all, queued behind maxActiveRuns', async () => {
    await made({ triggerId: 'daily', pipeline: 'nightly', schedule: '0 2 * * *', timeZone: 'Europe/Paris', parameters: { since: '${{ schedule.date }}' } });
    const fill = async (body: object) => {
      const res = await app.inject({ method: 'POST', url: `/v1/projects/${P}/triggers/daily:backfill`, payload: body });
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as { periods: number; runs: Array<{ scheduledTime: string; run: string }>; skipped: unknown[] };
    };
    const missing = await fill({ from: '2026-11-01', to: '2026-11-05', only: 'missing' });
    expect(missing.periods).toBe(5);
    expect(missing.runs.map((r) => r.scheduledTime)).toEqual(['01', '02', '03', '04', '05'].map((d) => `2026-11-${d}T01:00:00.000Z`));
    const runs = await runsOf('daily');
    expect(runs.map((r) => r.parameters.since).sort()).toEqual(['01', '02', '03', '04', '05'].map((d) => `2026-11-${d}`));
    expect((await fill({ from: '2026-11-01', to: '2026-11-05' })).runs).toHaveLength(0);
    const third = runs.find((r) => r.parameters.since === '2026-11-03')!;
    expect((await app.inject({ method: 'POST', url: `/v1/projects/${P}/pipelineRuns/${third.runId}:cancel` })).statusCode).toBe(200);
    const failed = await fill({ from: '2026-11-01', to: '2026-11-05', only: 'failed' });
    expect(failed.runs.map((r) => r.scheduledTime)).toEqual(['2026-11-03T01:00:00.000Z']);
    expect((await fill({ from: '2026-11-01', to: '2026-11-02', only: 'all' })).runs).toHaveLength(2);
    expect(reasonOf(await app.inject({ method: 'POST', url: `/v1/projects/${P}/triggers/daily:backfill`, payload: { from: '2026-11-05', to: '2026-11-01' } }))).toBe('TRIGGER_BACKFILL_INVALID');
    expect(reasonOf(await app.inject({ method: 'POST', url: `/v1/projects/${P}/triggers/daily:backfill`, payload: { from: '2020-01-01', to: '2026-11-01' } }))).toBe('TRIGGER_BACKFILL_INVALID');
    expect(reasonOf(await app.inject({ method: 'POST', url: `/v1/projects/${P}/triggers/etl-done:backfill`, payload: { from: '2026-11-01', to: '2026-11-01' } }))).toBe('TRIGGER_KIND_MISMATCH');
  });

  it('sends a firing the pipeline refuses, or one held past the pause limit, to the dead letters, from which it is replayed', async () => {
    await put('typed', 'name: typed\nmaxActiveRuns: 10\nparameters:\n  n: { type: integer }\nsteps:\n  - { name: wait, kind: approval }\n');
    await made({ triggerId: 'bad-data', pipeline: 'typed', eventFilter: { type: 'com.shop.count' }, parameters: { n: '${{ event.data.n }}' } });
    await app.inject({ method: 'POST', url: `/v1/projects/${P}/cloudEvents`, headers: { 'ce-id': 'c1', 'ce-source': '//shop', 'ce-specversion': '1.0', 'ce-type': 'com.shop.count', 'content-type': 'application/json' }, payload: '{"n":"seven"}' });
    await tick(new Date());
    const [dead] = await deliveries('bad-data', 'DEAD');
    expect(dead!.reason).toMatch(/n must be a integer; got "seven"/);
    // The pipeline is fixed to take text; the dead letter is replayed and starts its run.
    await put('typed', 'name: typed\nmaxActiveRuns: 10\nparameters:\n  n: { type: string }\nsteps:\n  - { name: wait, kind: approval }\n');
    const replayed = await app.inject({ method: 'POST', url: `/v1/projects/${P}/triggerDeliveries/${dead!.deliveryId}:replay` });
    expect(replayed.statusCode, replayed.body).toBe(200);
    expect(replayed.json().state).toBe('DELIVERED');
    expect((await runsOf('bad-data'))[0]!.parameters.n).toBe('seven');
    expect(reasonOf(await app.inject({ method: 'POST', url: `/v1/projects/${P}/triggerDeliveries/${dead!.deliveryId}:replay` }))).toBe('TRIGGER_DELIVERY_NOT_DEAD');

    await put('held', 'name: held\nsteps:\n  - { name: wait, kind: approval }\n');
    await app.inject({ method: 'POST', url: `/v1/projects/${P}/pipelines/held:pause` });
    const t = await made({ triggerId: 'held-nightly', pipeline: 'held', schedule: '0 4 * * *', maxPausedSeconds: 3600 });
    const at = new Date(Date.parse(t.nextFireTime!) + 1000);
    await tick(at);
    expect((await deliveries('held-nightly')).map((x) => x.state)).toEqual(['PENDING']);
    await tick(new Date(at.getTime() + 2 * 3600_000));
    const [held] = await deliveries('held-nightly');
    expect(held!.state).toBe('DEAD');
    expect(held!.reason).toMatch(/stayed paused for more than 3600 s/);
  });

  it('fires once when a worker dies between recording a firing and starting its run, or between starting it and saying so', async () => {
    const store = new TriggerStore(app.rouge.store);
    const t = await made({ triggerId: 'crashy', pipeline: 'nightly', schedule: '0 5 * * *', overlapPolicy: 'allow' });
    const at = new Date(Date.parse(t.nextFireTime!) + 1000);
    // The worker recorded the firing and died before delivering it: its delivery is left PENDING.
    expect(await new Scheduler(store).tick(at)).toBe(1);
    expect((await deliveries('crashy')).map((d) => d.state)).toEqual(['PENDING']);
    await Promise.all([tick(at), tick(at)]);
    expect(await runsOf('crashy')).toHaveLength(1);
    // The worker started the run and died before marking the delivery: another finds the run and starts no second one.
    const [d] = await deliveries('crashy');
    await store.settle({ project: P, id: d!.deliveryId }, ['DELIVERED'], { state: 'PENDING', lease_until: null });
    await tick(at);
    expect((await deliveries('crashy')).map((x) => x.state)).toEqual(['DELIVERED']);
    expect(await runsOf('crashy')).toHaveLength(1);
  });

  it('lets a key bound on one trigger call it and nothing else', async () => {
    await app.inject({ method: 'POST', url: `/v1/projects/${P}/serviceAccounts`, payload: { name: 'airflow' } });
    const key = ((await app.inject({ method: 'POST', url: `/v1/projects/${P}/serviceAccounts/airflow/keys`, payload: {} })).json() as { key: string }).key;
    expect((await app.inject({ method: 'POST', url: `/v1/projects/${P}/bindings`, payload: { principal: `serviceAccount:airflow@${P}`, role: 'ingestor', resource: 'triggers/etl-done' } })).statusCode).toBe(200);
    const call = (trigger: string) => app.inject({ method: 'POST', url: `/v1/projects/${P}/triggers/${trigger}:invoke`, headers: bearer(key), payload: {} });
    expect((await call('etl-done')).statusCode).toBe(200);
    expect((await call('idem')).statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url: `/v1/projects/${P}/triggers`, headers: bearer(key), payload: { triggerId: 'x', pipeline: 'nightly', http: true } })).statusCode).toBe(403);
    void ADMIN_KEY;
  });

  it('keeps one bad trigger from stopping the others: a trigger whose stored spec cannot be read, and a refused event', async () => {
    const store = new TriggerStore(app.rouge.store);
    const now = new Date();
    await store.insert({ project: P, name: 'broken', pipeline: 'nightly', kind: 'event', spec: '{not json', secret: null, run_as: 'user:admin', paused: 0, next_fire_time: null, cursor: null, create_time: now.toISOString(), update_time: now.toISOString() });
    const t = await made({ triggerId: 'survivor', pipeline: 'nightly', schedule: '0 6 * * *', overlapPolicy: 'allow' });
    const pass = await tick(new Date(Date.parse(t.nextFireTime!) + 1000));
    expect(pass.fired).toBe(1);
    expect(await runsOf('survivor')).toHaveLength(1);
    await store.deleteWithDeliveries(P, 'broken');
    const post = (headers: Record<string, string>) => app.inject({ method: 'POST', url: `/v1/projects/${P}/cloudEvents`, headers: { 'ce-specversion': '1.0', 'ce-type': 'com.shop.x', 'ce-id': 'a', 'ce-source': '//s', ...headers }, payload: '' });
    expect(reasonOf(await post({ 'ce-source': '//' + '語'.repeat(200) }))).toBe('CLOUD_EVENT_INVALID');
    const nul = await app.inject({ method: 'POST', url: `/v1/projects/${P}/cloudEvents`, headers: { 'content-type': 'application/cloudevents+json' }, payload: JSON.stringify({ specversion: '1.0', id: 'a\u0000b', source: '//s', type: 'com.shop.x' }) });
    expect(nul.json().error.message).toMatch(/id holds a NUL character/);
  });

  it('answers a call without a key alike for a missing trigger, another kind and a wrong signature, and refuses a paused trigger', async () => {
    const body = '{}';
    const send = (trigger: string) => fetch(`${base}/v1/projects/${P}/triggers/${trigger}:invoke`, { method: 'POST', headers: { 'content-type': 'application/json', 'rouge-signature': signatureHeader('rsig_guess', body) }, body });
    const answers = await Promise.all(['no-such-trigger', 'kolkata', 'etl-done'].map(async (t) => {
      const r = await send(t);
      return { status: r.status, error: ((await r.json()) as { error: { message: string } }).error.message };
    }));
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(answers[0]!.status).toBe(401);
    await made({ triggerId: 'pausable', pipeline: 'nightly', http: true });
    await app.inject({ method: 'POST', url: `/v1/projects/${P}/triggers/pausable:pause` });
    expect(reasonOf(await app.inject({ method: 'POST', url: `/v1/projects/${P}/triggers/pausable:invoke`, payload: {} }))).toBe('TRIGGER_PAUSED');
  });

  it('holds signed calls to a per-second limit per trigger, forged ones included', async () => {
    const limited = await buildTestApp(storeKind, { rateLimitPerSecond: 1 }, { asAdmin: false });
    try {
      // The admin key is limited too: setup calls wait out their second.
      const call = async (opts: { method: 'POST' | 'PUT'; url: string; payload: object }) => {
        for (;;) {
          const res = await limited.inject({ ...opts, headers: bearer(ADMIN_KEY) });
          if (res.statusCode !== 429) return res;
          await new Promise((r) => setTimeout(r, 1000));
        }
      };
      expect((await call({ method: 'POST', url: '/v1/projects', payload: { name: P } })).statusCode).toBe(200);
      expect((await call({ method: 'PUT', url: `/v1/projects/${P}/pipelines/nightly`, payload: { source: NIGHTLY } })).statusCode).toBe(200);
      const made = await call({ method: 'POST', url: `/v1/projects/${P}/triggers`, payload: { triggerId: 'hooked', pipeline: 'nightly', http: true } });
      const secret = (made.json() as Trigger).signingSecret!;
      const body = '{}';
      const signed = (signature: string, name = 'hooked') => limited.inject({ method: 'POST', url: `/v1/projects/${P}/triggers/${name}:invoke`, headers: { 'content-type': 'application/json', 'rouge-signature': signature }, payload: body });
      // The same trigger spelt with %-escapes is the same trigger, and the same count.
      const answers = await Promise.all([signed(signatureHeader(secret, body)), ...['%68ooked', 'h%6Fo%6Bed', 'hooke%64'].map((n) => signed(signatureHeader('rsig_forged', body), n))]);
      const limitedOnes = answers.filter((r) => r.statusCode === 429);
      // Four calls fall in at most two one-second windows of one call each.
      expect(limitedOnes.length).toBeGreaterThanOrEqual(2);
      expect(reasonOf(limitedOnes[0]!)).toBe('TOO_MANY_REQUESTS');
      expect(limitedOnes[0]!.headers['retry-after']).toBe('1');
    } finally {
      await limited.close();
    }
  });

  it('holds to forbid when two workers deliver a schedule\'s caught-up times at once', async () => {
    const t = await made({ triggerId: 'racy', pipeline: 'nightly', schedule: '0 7 * * *', catchUpWindowSeconds: 5 * 86_400 });
    const later = new Date(Date.parse(t.nextFireTime!) + 2 * 86_400_000 + 1000);
    const store = new TriggerStore(app.rouge.store);
    await new Scheduler(store).tick(later);
    expect((await deliveries('racy')).map((x) => x.state)).toEqual(['PENDING', 'PENDING', 'PENDING']);
    const pipelines = new PipelineStore(app.rouge.store);
    const worker = () => new Deliverer({ triggers: new TriggerStore(app.rouge.store), pipelines, engine: new PipelineEngine(pipelines, app.rouge.jobs, app.rouge.events), holds: async () => true, cache: app.rouge.cache, warn: () => undefined });
    await Promise.all([worker().drain(later), worker().drain(later), worker().drain(later)]);
    await worker().drain(new Date(later.getTime() + 5000));
    const d = await deliveries('racy');
    expect(d.filter((x) => x.state === 'DELIVERED')).toHaveLength(1);
    expect(d.filter((x) => x.state === 'SKIPPED')).toHaveLength(2);
    expect((await runsOf('racy')).filter((r) => ['QUEUED', 'RUNNING'].includes(r.state))).toHaveLength(1);
  });

  it('backfills once under concurrent calls, leaves future times to the schedule, never cancels backfills on replace, and forgets a deleted trigger\'s firings', async () => {
    const t = await made({ triggerId: 'bf', pipeline: 'nightly', schedule: '0 8 * * *', overlapPolicy: 'replace' });
    const fill = (body: object) => app.inject({ method: 'POST', url: `/v1/projects/${P}/triggers/bf:backfill`, payload: body });
    await Promise.all([fill({ from: '2025-06-01', to: '2025-06-03' }), fill({ from: '2025-06-01', to: '2025-06-03' })]);
    expect(await runsOf('bf')).toHaveLength(3);
    const next = t.nextFireTime!.slice(0, 10);
    const ahead = (await fill({ from: next, to: next })).json() as { runs: unknown[]; skipped: Array<{ why: string }> };
    expect(ahead.runs).toHaveLength(0);
    expect(ahead.skipped[0]!.why).toMatch(/not due yet/);
    expect(reasonOf(await fill({ from: '2025-02-30', to: '2025-03-01' }))).toBe('TRIGGER_BACKFILL_INVALID');
    // The schedule's own firing, with overlapPolicy replace, cancels none of the backfilled runs.
    await tick(new Date(Date.parse(t.nextFireTime!) + 1000));
    const runs = await runsOf('bf');
    expect(runs).toHaveLength(4);
    expect(runs.filter((r) => r.state === 'CANCELLED')).toHaveLength(0);
    // Deleted and made again: the new trigger has no firings, so missing runs every time again.
    expect((await app.inject({ method: 'DELETE', url: `/v1/projects/${P}/triggers/bf` })).statusCode).toBe(200);
    await made({ triggerId: 'bf', pipeline: 'nightly', schedule: '0 8 * * *' });
    expect(((await fill({ from: '2025-06-01', to: '2025-06-03' })).json() as { runs: unknown[] }).runs).toHaveLength(3);
  });
});
