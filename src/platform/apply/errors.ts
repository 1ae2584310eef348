import { defineError } from '../errors/index.js';

export const APPLY_RECORD_NOT_FOUND = defineError('APPLY_RECORD_NOT_FOUND', 404, 'NOT_FOUND', (p: { source: string }) =>
  `No apply record for source ${p.source}; "rouge apply" writes one the first time it applies that source.`);
export const APPLY_RECORD_CHANGED = defineError('APPLY_RECORD_CHANGED', 409, 'ABORTED', (p: { source: string }) =>
  `The apply record of source ${p.source} changed since it was read (another apply ran); read it again, plan again, then apply.`);
