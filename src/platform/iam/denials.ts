import type { FastifyRequest } from 'fastify';
import { monotonicFactory } from 'ulid';
import { RougeError } from '../errors/index.js';
import { routeConfig } from '../http/index.js';
import type { AuditStore } from './audit-store.js';
import { ORG, type AuditRow } from './tables.js';

/** Distinct (project, principal, permission) groups kept per minute before further ones share one row. */
const MAX_GROUPS = 10_000;

interface Group {
  row: AuditRow;
  count: number;
}

/**
 * Audit entries for refused calls that are not audited one by one: reads and
 * data-plane calls (`:predict`, OIP `infer`, event intake, search) that were
 * unauthenticated (401) or denied (403). A storm of them must not flood the
 * log or slow the store, so they are counted in memory per project,
 * principal, permission and minute, and each group becomes one entry (with
 * its `count`) once its minute is over. Allowed calls never reach this: the
 * auth hook calls `record` only on its refusal path.
 */
export class DenialAudit {
  private readonly nextId = monotonicFactory();
  private groups = new Map<string, Group>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly audit: AuditStore, flushEveryMs = 5000) {
    this.timer = setInterval(() => void this.flush(false).catch(() => undefined), flushEveryMs);
    this.timer.unref();
  }

  /** Counts one refusal of this request, unless its route audits every call itself. */
  record(request: FastifyRequest, err: unknown, audited: boolean): void {
    if (audited || !(err instanceof RougeError) || (err.httpStatus !== 401 && err.httpStatus !== 403)) return;
    const cfg = routeConfig(request);
    const params = (request.params ?? {}) as Record<string, string>;
    const project = cfg.scope ? safeScope(cfg, params) : params.project ?? ORG;
    const principal = request.principalName === 'anonymous' ? 'unauthenticated' : request.principalName;
    const permission = cfg.permission ?? '';
    const now = Date.now();
    const minute = new Date(now - (now % 60_000)).toISOString();
    let key = `${project}\u0000${principal}\u0000${permission}\u0000${err.reason}\u0000${minute}`;
    if (!this.groups.has(key) && this.groups.size >= MAX_GROUPS) key = `${project}\u0000(many principals)\u0000${permission}\u0000${err.reason}\u0000${minute}`;
    const group = this.groups.get(key);
    if (group) {
      group.count++;
      return;
    }
    this.groups.set(key, {
      count: 1,
      row: {
        project, id: this.nextId(now), time: minute, principal: key.split('\u0000')[1]!, permission,
        resource: (request.url.split('?')[0] ?? '').replace(/^\/v1\//, ''), method: request.method, path: cfg.url ?? '',
        result: 'denied', status_code: err.httpStatus, reason: err.reason, request_id: String(request.id), ip: request.ip ?? '',
        user_agent: String(request.headers['user-agent'] ?? '').slice(0, 256), count: 1,
      },
    });
  }

  /** Writes the groups whose minute is over (all of them with `all`, at close or when a test asks). */
  async flush(all = true): Promise<void> {
    const current = new Date(Date.now() - (Date.now() % 60_000)).toISOString();
    const done: Group[] = [];
    for (const [key, g] of this.groups) {
      if (all || g.row.time < current) {
        done.push(g);
        this.groups.delete(key);
      }
    }
    for (const g of done) await this.audit.append({ ...g.row, count: g.count });
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush(true).catch(() => undefined);
  }
}

function safeScope(cfg: ReturnType<typeof routeConfig>, params: Record<string, string>): string {
  try {
    return cfg.scope!(params, '').project;
  } catch {
    return ORG;
  }
}
