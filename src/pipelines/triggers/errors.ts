import { defineError } from '../../platform/index.js';

export const TRIGGER_INVALID = defineError('TRIGGER_INVALID', 400, 'INVALID_ARGUMENT', (p: { field: string; why: string }) =>
  `The trigger is not valid at ${p.field}: ${p.why}.`);
export const TRIGGER_NOT_FOUND = defineError('TRIGGER_NOT_FOUND', 404, 'NOT_FOUND', (p: { trigger: string }) =>
  `Trigger ${p.trigger} does not exist; list them with rouge triggers list.`);
export const TRIGGER_EXISTS = defineError('TRIGGER_EXISTS', 409, 'ALREADY_EXISTS', (p: { trigger: string }) =>
  `Trigger ${p.trigger} already exists; delete it first (rouge triggers delete) or pick another name.`);
export const TRIGGER_KIND_MISMATCH = defineError('TRIGGER_KIND_MISMATCH', 400, 'FAILED_PRECONDITION', (p: { trigger: string; kind: string; want: string }) =>
  `Trigger ${p.trigger} is a ${p.kind} trigger; ${p.want}.`);
export const SIGNATURE_INVALID = defineError('TRIGGER_SIGNATURE_INVALID', 401, 'UNAUTHENTICATED', (p: { why: string }) =>
  `The request's signature is not valid: ${p.why}.`);
export const SIGNATURE_REPLAYED = defineError('TRIGGER_SIGNATURE_REPLAYED', 401, 'UNAUTHENTICATED', () =>
  'This signature was already used: sign each request anew (a new t=); to retry a call safely, re-sign it and send the same Idempotency-Key.');
export const IDEMPOTENCY_KEY_REUSED = defineError('TRIGGER_IDEMPOTENCY_KEY_REUSED', 409, 'ABORTED', () =>
  'This Idempotency-Key was used with another body for this trigger: use a new key for a different call.');
export const BACKFILL_INVALID = defineError('TRIGGER_BACKFILL_INVALID', 400, 'INVALID_ARGUMENT', (p: { why: string }) =>
  `The backfill is not valid: ${p.why}.`);
export const DELIVERY_NOT_FOUND = defineError('TRIGGER_DELIVERY_NOT_FOUND', 404, 'NOT_FOUND', (p: { delivery: string }) =>
  `Delivery ${p.delivery} does not exist; list dead letters with rouge triggers dead-letters list.`);
export const DELIVERY_NOT_DEAD = defineError('TRIGGER_DELIVERY_NOT_DEAD', 409, 'FAILED_PRECONDITION', (p: { delivery: string; state: string }) =>
  `Delivery ${p.delivery} is ${p.state}; only a dead letter (DEAD) can be replayed.`);
export const EVENT_INVALID = defineError('CLOUD_EVENT_INVALID', 400, 'INVALID_ARGUMENT', (p: { why: string }) =>
  `The CloudEvent is not valid: ${p.why}. See https://github.com/cloudevents/spec (binary mode: ce-id, ce-source, ce-specversion: 1.0 and ce-type headers; structured mode: Content-Type application/cloudevents+json).`);
export const EVENT_FORGED = defineError('CLOUD_EVENT_RESERVED', 403, 'PERMISSION_DENIED', (p: { what: string }) =>
  `${p.what} is reserved for events Rouge emits itself: post your events with your own type (e.g. com.example.etl.finished) and source.`);
export const TRIGGER_PAUSED = defineError('TRIGGER_PAUSED', 409, 'FAILED_PRECONDITION', (p: { trigger: string }) =>
  `Trigger ${p.trigger} is paused: it starts nothing until resumed (rouge triggers resume).`);
