import { defineError } from '../errors/index.js';

export const PROJECT_NOT_FOUND = defineError('PROJECT_NOT_FOUND', 404, 'NOT_FOUND', (p: { project: string }) =>
  `Project ${p.project} does not exist; list projects with GET /v1/projects or create it with POST /v1/projects.`);
export const PROJECT_ALREADY_EXISTS = defineError('PROJECT_ALREADY_EXISTS', 409, 'ALREADY_EXISTS', (p: { project: string }) =>
  `Project ${p.project} already exists; pick another name or use the existing project.`);
export const PROJECT_NOT_EMPTY = defineError('PROJECT_NOT_EMPTY', 400, 'FAILED_PRECONDITION', (p: { project: string; holds: string }) =>
  `Project ${p.project} still holds ${p.holds}; delete them first.`);
export const INVALID_TIME_ZONE = defineError('INVALID_TIME_ZONE', 400, 'INVALID_ARGUMENT', (p: { timeZone: string }) =>
  `timeZone ${JSON.stringify(p.timeZone)} is not an IANA time zone; use a name such as UTC, Europe/Paris or Asia/Kolkata.`);
