import type { FastifyInstance } from 'fastify';

/** The stored status of ad interactions by event id (or all of one visitor's), read from the store. */
export async function interactions(app: FastifyInstance, project: string, eventIds?: string[], unit?: string): Promise<Record<string, string>> {
  let q = app.rouge.store.typed<any>().selectFrom('ads_interactions').select(['event_id', 'status']).where('project', '=', project);
  if (eventIds) q = q.where('event_id', 'in', eventIds);
  if (unit) q = q.where('unit', '=', unit);
  const rows = (await q.execute()) as Array<{ event_id: string; status: string }>;
  return Object.fromEntries(rows.map((r) => [r.event_id, r.status]));
}
