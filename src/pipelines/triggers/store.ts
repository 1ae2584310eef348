import type { Kysely } from 'kysely';
import type { Store } from '../../platform/index.js';
import type { PipelineTables } from '../tables.js';
import type { DeliveryRow, ExternalEventRow, TriggerRow, TriggerTables } from './tables.js';

type Db = Kysely<TriggerTables & PipelineTables>;

/** Data access for triggers, deliveries and posted events. */
export class TriggerStore {
  readonly db: Db;
  constructor(store: Store) {
    this.db = store.typed<TriggerTables & PipelineTables>();
  }

  /** Inserts a trigger; false when the name is taken. */
  async insert(row: TriggerRow): Promise<boolean> {
    const r = await this.db.insertInto('pipeline_triggers').values(row).onConflict((oc) => oc.columns(['project', 'name']).doNothing()).executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }
  get(project: string, name: string): Promise<TriggerRow | undefined> {
    return this.db.selectFrom('pipeline_triggers').selectAll().where('project', '=', project).where('name', '=', name).executeTakeFirst();
  }
  list(project: string, limit: number, after?: string, pipeline?: string): Promise<TriggerRow[]> {
    let q = this.db.selectFrom('pipeline_triggers').selectAll().where('project', '=', project).orderBy('name').limit(limit);
    if (after !== undefined) q = q.where('name', '>', after);
    if (pipeline) q = q.where('pipeline', '=', pipeline);
    return q.execute();
  }
  async update(project: string, name: string, set: Partial<TriggerRow>): Promise<void> {
    await this.db.updateTable('pipeline_triggers').set({ ...set, update_time: new Date().toISOString() }).where('project', '=', project).where('name', '=', name).execute();
  }
  /** Schedules whose next time has come, earliest first. */
  due(now: string, limit: number): Promise<TriggerRow[]> {
    return this.db.selectFrom('pipeline_triggers').selectAll().where('kind', '=', 'schedule').where('paused', '=', 0)
      .where('next_fire_time', '<=', now).orderBy('next_fire_time').limit(limit).execute();
  }
  /** Event triggers not paused, in every project. */
  eventTriggers(): Promise<TriggerRow[]> {
    return this.db.selectFrom('pipeline_triggers').selectAll().where('kind', '=', 'event').where('paused', '=', 0).execute();
  }

  /**
   * Records a schedule's firings and moves its next time on, in one
   * transaction and only if nobody moved it first: of several workers that
   * saw the same due time, one records it. False when another did.
   */
  async fireSchedule(t: TriggerRow, next: string | null, deliveries: DeliveryRow[]): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const r = await trx.updateTable('pipeline_triggers').set({ next_fire_time: next }).where('project', '=', t.project).where('name', '=', t.name)
        .where('next_fire_time', '=', t.next_fire_time).where('paused', '=', 0).executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) return false;
      if (deliveries.length > 0) await trx.insertInto('trigger_deliveries').values(deliveries).onConflict((oc) => oc.columns(['project', 'trigger', 'key']).doNothing()).execute();
      return true;
    });
  }
  /** Inserts a delivery unless one with its key exists; returns the one stored either way. */
  async putDelivery(row: DeliveryRow): Promise<{ row: DeliveryRow; created: boolean }> {
    const r = await this.db.insertInto('trigger_deliveries').values(row).onConflict((oc) => oc.columns(['project', 'trigger', 'key']).doNothing()).executeTakeFirst();
    if (Number(r.numInsertedOrUpdatedRows ?? 0) > 0) return { row, created: true };
    return { row: (await this.deliveryByKey(row.project, row.trigger, row.key))!, created: false };
  }
  deliveryByKey(project: string, trigger: string, key: string): Promise<DeliveryRow | undefined> {
    return this.db.selectFrom('trigger_deliveries').selectAll().where('project', '=', project).where('trigger', '=', trigger).where('key', '=', key).executeTakeFirst();
  }
  delivery(project: string, id: string): Promise<DeliveryRow | undefined> {
    return this.db.selectFrom('trigger_deliveries').selectAll().where('project', '=', project).where('id', '=', id).executeTakeFirst();
  }
  deliveries(project: string, q: { trigger?: string; state?: string }, limit: number, after?: string): Promise<DeliveryRow[]> {
    let s = this.db.selectFrom('trigger_deliveries').selectAll().where('project', '=', project).orderBy('id', 'desc').limit(limit);
    if (q.trigger) s = s.where('trigger', '=', q.trigger);
    if (q.state) s = s.where('state', '=', q.state);
    if (after !== undefined) s = s.where('id', '<', after);
    return s.execute();
  }
  /** Deliveries of a schedule for given times (backfill's "missing" and "failed"). */
  deliveriesAt(project: string, trigger: string, times: string[]): Promise<DeliveryRow[]> {
    if (times.length === 0) return Promise.resolve([]);
    return this.db.selectFrom('trigger_deliveries').selectAll().where('project', '=', project).where('trigger', '=', trigger).where('scheduled_time', 'in', times).execute();
  }
  /** PENDING deliveries whose time has come, leased to this caller for `leaseMs` (others skip them meanwhile). */
  async claimPending(now: Date, limit: number, leaseMs: number): Promise<DeliveryRow[]> {
    const iso = now.toISOString();
    const rows = await this.db.selectFrom('trigger_deliveries').selectAll().where('state', '=', 'PENDING').where('next_attempt_time', '<=', iso)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', iso)])).orderBy('next_attempt_time').orderBy('id').limit(limit).execute();
    const claimed: DeliveryRow[] = [];
    const until = new Date(now.getTime() + leaseMs).toISOString();
    for (const d of rows) if (await this.lease(d, until)) claimed.push({ ...d, lease_until: until });
    return claimed;
  }
  /** Takes the lease of one delivery if it is still PENDING and unleased (or its lease ran out). */
  async lease(d: DeliveryRow, until: string): Promise<boolean> {
    const now = new Date().toISOString();
    let q = this.db.updateTable('trigger_deliveries').set({ lease_until: until }).where('project', '=', d.project).where('id', '=', d.id).where('state', '=', 'PENDING');
    q = d.lease_until === null ? q.where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)])) : q.where('lease_until', '=', d.lease_until);
    return Number((await q.executeTakeFirst()).numUpdatedRows) > 0;
  }
  /** Moves a delivery out of (or back into) PENDING; false when it was not in `from`. */
  async settle(d: Pick<DeliveryRow, 'project' | 'id'>, from: string[], set: Partial<DeliveryRow>): Promise<boolean> {
    const r = await this.db.updateTable('trigger_deliveries').set({ ...set, update_time: new Date().toISOString() }).where('project', '=', d.project).where('id', '=', d.id).where('state', 'in', from).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
  /** Runs a schedule started at its own times (not backfills or replays) that have not ended: what its overlap policy looks at. */
  async activeScheduledRuns(project: string, trigger: string): Promise<string[]> {
    const rows = await this.db.selectFrom('pipeline_runs').innerJoin('trigger_deliveries', (j) => j.onRef('trigger_deliveries.project', '=', 'pipeline_runs.project').onRef('trigger_deliveries.run', '=', 'pipeline_runs.id'))
      .select('pipeline_runs.id').where('pipeline_runs.project', '=', project).where('pipeline_runs.trigger', '=', trigger).where('pipeline_runs.state', 'in', ['QUEUED', 'RUNNING'])
      .where('trigger_deliveries.trigger', '=', trigger).where('trigger_deliveries.key', 'like', 'schedule:%').execute();
    return rows.map((r) => r.id);
  }
  /** Deletes a trigger and its deliveries (a trigger made later under the same name starts with none); false when there was none. */
  async deleteWithDeliveries(project: string, name: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('trigger_deliveries').where('project', '=', project).where('trigger', '=', name).execute();
      const r = await trx.deleteFrom('pipeline_triggers').where('project', '=', project).where('name', '=', name).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    });
  }
  runStates(project: string, ids: string[]): Promise<Array<{ id: string; state: string }>> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db.selectFrom('pipeline_runs').select(['id', 'state']).where('project', '=', project).where('id', 'in', ids).execute();
  }

  /** Stores an event posted from outside; false when (source, id) was seen before. */
  async insertEvent(row: ExternalEventRow): Promise<boolean> {
    const r = await this.db.insertInto('pipeline_events').values(row).onConflict((oc) => oc.columns(['project', 'source', 'id']).doNothing()).executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }
  /**
   * Posted events received from `since` on, in (received_time, source, id)
   * order, a page after `after`: a key on the time alone would stall on a
   * page of events sharing one received time (batches posted in the same
   * millisecond) and never reach the rest.
   */
  eventsSince(project: string, since: string, limit: number, after?: EventPosition): Promise<ExternalEventRow[]> {
    let q = this.db.selectFrom('pipeline_events').selectAll().where('project', '=', project).where('received_time', '>=', since);
    if (after) {
      q = q.where((eb) => eb.or([
        eb('received_time', '>', after.receivedTime),
        eb.and([eb('received_time', '=', after.receivedTime), eb.or([eb('source', '>', after.source), eb.and([eb('source', '=', after.source), eb('id', '>', after.id)])])]),
      ]));
    }
    return q.orderBy('received_time').orderBy('source').orderBy('id').limit(limit).execute();
  }
  async deleteProject(project: string, db: Kysely<any>): Promise<void> {
    for (const t of ['pipeline_triggers', 'trigger_deliveries', 'pipeline_events']) await db.deleteFrom(t).where('project', '=', project).execute();
  }
}

/** Where a scan of posted events stopped: the last event's received time and key. */
export interface EventPosition {
  receivedTime: string;
  source: string;
  id: string;
}
