import { parseJson } from '../store/index.js';
import type { JobRow } from './tables.js';

// google.rpc.Code numbers: an Operation's `error` is a google.rpc.Status, whose code is numeric.
const GRPC_CODES: Record<string, number> = {
  CANCELLED: 1, UNKNOWN: 2, INVALID_ARGUMENT: 3, DEADLINE_EXCEEDED: 4, NOT_FOUND: 5, ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7, RESOURCE_EXHAUSTED: 8, FAILED_PRECONDITION: 9, ABORTED: 10, OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12, INTERNAL: 13, UNAVAILABLE: 14, DATA_LOSS: 15, UNAUTHENTICATED: 16,
};

/** google.longrunning.Operation, as Google's REST APIs render it. */
export interface Operation {
  name: string;
  done: boolean;
  metadata: {
    '@type': string;
    kind: string;
    state: string;
    attempts: number;
    maxAttempts: number;
    progress?: Record<string, unknown>;
    createTime: string;
    updateTime: string;
    endTime?: string;
    nextAttemptTime?: string;
  };
  error?: { code: number; message: string; details: Array<Record<string, unknown>> };
  response?: unknown;
}

const DONE = new Set(['succeeded', 'dead', 'cancelled']);

/** Renders a job as the Operation clients poll (BRIEF section 3). */
export function toOperation(row: JobRow): Operation {
  const done = DONE.has(row.state);
  const err = parseJson<{ status: string; message: string; reason?: string } | null>(row.error, null);
  const progress = parseJson<Record<string, unknown> | null>(row.progress, null);
  return {
    name: `projects/${row.project}/operations/${row.id}`,
    done,
    metadata: {
      '@type': 'type.googleapis.com/rouge.OperationMetadata',
      kind: row.kind,
      state: row.state.toUpperCase(),
      attempts: row.attempts,
      maxAttempts: row.max_attempts,
      ...(progress ? { progress } : {}),
      createTime: row.create_time,
      updateTime: row.update_time,
      ...(row.done_time ? { endTime: row.done_time } : {}),
      ...(row.state === 'queued' && row.attempts > 0 ? { nextAttemptTime: row.run_at } : {}),
    },
    ...(done && row.state !== 'succeeded' && err
      ? {
          error: {
            code: GRPC_CODES[err.status] ?? 2,
            message: err.message,
            details: err.reason ? [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: err.reason, domain: 'rouge' }] : [],
          },
        }
      : {}),
    ...(row.state === 'succeeded' ? { response: parseJson(row.result, null) } : {}),
  };
}

/** The `rouge.operation.done` event of a job that reached a final state. */
export function operationDoneEvent(row: Pick<JobRow, 'project' | 'id' | 'kind'>, state: 'succeeded' | 'dead' | 'cancelled') {
  const name = `projects/${row.project}/operations/${row.id}`;
  return { type: 'rouge.operation.done', subject: `operations/${row.id}`, data: { name, kind: row.kind, state: state.toUpperCase() } };
}
