/**
 * Platform events: CloudEvents 1.0 written to an outbox in the same transaction
 * as the change, published through the signals port after commit, replayed
 * after a crash, and listed at GET /v1/projects/{p}/cloudEvents.
 */
export { EventOutbox, EVENTS_CHANNEL } from './outbox.js';
export type { Emit } from './outbox.js';
export type { CloudEvent, EventDraft } from './cloud-event.js';
export { toCloudEvent } from './cloud-event.js';
export { registerEventRoutes } from './routes.js';
export { eventsMigration } from './tables.js';
