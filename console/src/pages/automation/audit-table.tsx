import { Fragment, useState } from 'react';
import { when } from '../../ui/format';
import { Badge } from './state-badge';
import type { AuditEntry } from './types';

/** Audit entries, newest first; an entry's request id, address, agent and reason open on demand. */
export function AuditTable({ entries }: { entries: AuditEntry[] }) {
  const [open, setOpen] = useState<number | null>(null);
  return (
    <div className="table-wrap">
      <table className="audit-table">
        <thead>
          <tr><th scope="col">Time</th><th scope="col">Principal</th><th scope="col">Action</th><th scope="col">Resource</th><th scope="col">Result</th><th scope="col"><span className="visually-hidden">Details</span></th></tr>
        </thead>
        <tbody>
          {entries.map((e, i) => {
            const isOpen = open === i;
            const id = `audit-entry-${i}`;
            return (
              <Fragment key={`${e.requestId}-${e.time}-${i}`}>
                <tr>
                  <td>{when(e.time)}</td>
                  <td className="principal">{e.principal}</td>
                  <td><code>{e.permission || '–'}</code> <span className="muted small">{e.method}</span></td>
                  <td className="resource">{e.resource}</td>
                  <td><Badge state={e.result} text={`${e.result} ${e.status}`} />{e.count > 1 ? <span className="muted small"> ×{e.count}</span> : null}</td>
                  <td>
                    <button type="button" className="link" aria-expanded={isOpen} aria-controls={isOpen ? id : undefined} onClick={() => setOpen(isOpen ? null : i)}>
                      {isOpen ? 'Hide' : 'Details'}<span className="visually-hidden"> of the entry at {when(e.time)}</span>
                    </button>
                  </td>
                </tr>
                {isOpen ? (
                  <tr id={id} className="details-row">
                    <td colSpan={6}>
                      <dl className="facts">
                        <div><dt>Time</dt><dd><code>{e.time}</code></dd></div>
                        <div><dt>Request id</dt><dd><code>{e.requestId}</code></dd></div>
                        <div><dt>Status</dt><dd>{e.status}{e.reason ? <> <code>{e.reason}</code></> : null}</dd></div>
                        <div><dt>Calls</dt><dd>{e.count}{e.count > 1 ? ' refused calls in this minute' : ''}</dd></div>
                        <div><dt>Address</dt><dd><code>{e.ip || '–'}</code></dd></div>
                        <div className="wide"><dt>User agent</dt><dd><code>{e.userAgent || '–'}</code></dd></div>
                      </dl>
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
