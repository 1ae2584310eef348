import { defineError } from '../platform/index.js';

export const ITEM_NOT_FOUND = defineError('ITEM_NOT_FOUND', 404, 'NOT_FOUND', (p: { item: string }) =>
  `Catalog item ${p.item} does not exist; list items with GET /v1/projects/{project}/catalog/items or create it with PUT.`);
export const ITEM_ID_MISMATCH = defineError('ITEM_ID_MISMATCH', 400, 'INVALID_ARGUMENT', (p: { path: string; body: string }) =>
  `The body's id ${JSON.stringify(p.body)} differs from the id ${JSON.stringify(p.path)} in the path; drop it from the body or send it to .../items/${p.body}.`);
export const CURRENCY_UNKNOWN = defineError('CURRENCY_UNKNOWN', 400, 'INVALID_ARGUMENT', (p: { currency: string }) =>
  `${JSON.stringify(p.currency)} is not an ISO 4217 currency code; use a code such as EUR, USD or INR.`);
export const USER_EVENTS_INVALID = defineError('USER_EVENTS_INVALID', 400, 'INVALID_ARGUMENT', (p: { bad: number; total: number; first: string }) =>
  `${p.bad} of ${p.total} events are invalid and nothing was written (first: ${p.first}); fix the events listed in the field violations and send the batch again.`);
export const EVENT_TIME_IN_FUTURE = defineError('EVENT_TIME_IN_FUTURE', 400, 'INVALID_ARGUMENT', (p: { eventTime: string }) =>
  `eventTime ${p.eventTime} is more than an hour ahead of the server clock; send the time the event happened.`);
export const EVENT_WITHOUT_VISITOR = defineError('EVENT_WITHOUT_VISITOR', 400, 'INVALID_ARGUMENT', () =>
  'The event has neither a userId nor a sessionId; send at least one so the event can be attributed.');
export const IMPORT_MEDIA_TYPE = defineError('IMPORT_MEDIA_TYPE', 415, 'INVALID_ARGUMENT', (p: { contentType: string; accepted: string }) =>
  `Content-Type ${p.contentType || '(none)'} is not accepted for an import; send ${p.accepted}.`);
export const IMPORT_TOO_LARGE = defineError('IMPORT_TOO_LARGE', 413, 'OUT_OF_RANGE', (p: { limit: number }) =>
  `The import body is larger than ${p.limit} bytes; upload the file to the blob store and import it with {"blobUri": ...}.`);
export const BLOB_URI_INVALID = defineError('BLOB_URI_INVALID', 400, 'INVALID_ARGUMENT', (p: { uri: string; store: string }) =>
  `${JSON.stringify(p.uri)} is not an object of this deployment's blob store (${p.store}); upload the file there first.`);
export const BLOB_URI_OUTSIDE_PROJECT = defineError('BLOB_URI_OUTSIDE_PROJECT', 403, 'PERMISSION_DENIED', (p: { uri: string; area: string }) =>
  `${JSON.stringify(p.uri)} is not in this project's import area; an import reads only files under ${p.area}, where the project's data engineering puts them.`);
export const IMPORT_SOURCE_NOT_FOUND = defineError('IMPORT_SOURCE_NOT_FOUND', 400, 'FAILED_PRECONDITION', (p: { uri: string }) =>
  `The import source ${p.uri} does not exist in the blob store.`);
export const CSV_HEADER_INVALID = defineError('CSV_HEADER_INVALID', 400, 'INVALID_ARGUMENT', (p: { why: string }) =>
  `The CSV header is not valid: ${p.why}. The first line names the columns: id, title, categoryPath are required; description, brand, price, availability, link, imageLink, condition, gtin, attributes and attributes.<key> are optional.`);
export const LINE_MALFORMED = defineError('LINE_MALFORMED', 400, 'INVALID_ARGUMENT', (p: { why: string }) => p.why);
