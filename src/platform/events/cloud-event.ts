import type { EventRow } from './tables.js';

/** A CloudEvents 1.0 event in its JSON format (https://github.com/cloudevents/spec). */
export interface CloudEvent<T = unknown> {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  data: T;
}

/** What a change emits: `rouge.<resource>.<past-tense verb>`, the resource it is about, and data. */
export interface EventDraft {
  type: string;
  subject: string;
  data: unknown;
}

/** The event's source: the project it happened in, as a URI reference. */
export function sourceOf(project: string): string {
  return `//rouge/projects/${project}`;
}

export function toCloudEvent(row: EventRow): CloudEvent {
  return {
    specversion: '1.0',
    id: row.id,
    source: row.source,
    type: row.type,
    subject: row.subject,
    time: row.time,
    datacontenttype: 'application/json',
    data: JSON.parse(row.data) as unknown,
  };
}
