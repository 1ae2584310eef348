import { extensionPoint } from '../platform/index.js';
import type { UserEvent } from './events.js';

/**
 * A module that acts on the events the storefront writes (sponsored products
 * bill clicks from them). It is called after the batch commits and before
 * `userEvents:write` answers, with every valid event of the batch, resent
 * ones included: so a sink must be idempotent by `eventId`, and a sink that
 * fails makes the write answer an error the client retries, so nothing
 * acknowledged is left unprocessed. Imports (`userEvents:import`) are history
 * and are not passed to sinks.
 */
export interface EventSink {
  readonly name: string;
  written(project: string, events: readonly UserEvent[]): Promise<void>;
}

/** Where a module contributes an `EventSink`. */
export const EVENT_SINKS = extensionPoint<EventSink>('catalog.eventSinks');
