import { useMemo } from 'react';
import { useLocation, useSearch } from 'wouter';
import { projectPath } from '../../api/client';
import { useProject, useSession } from '../../shell/project';
import { ErrorBox } from '../../ui/error-box';
import { Page, Panel } from '../../ui/page';
import { Empty, Loading } from '../../ui/status';
import './automation.css';
import { AUDIT_KEYS, auditFilter, readAuditQuery, type AuditQuery } from './audit-filter';
import { AuditForm } from './audit-form';
import { AuditTable } from './audit-table';
import type { AuditEntry } from './types';
import { usePages } from './use-pages';

const SIZES = ['20', '50', '100', '200'];

/**
 * The project's audit log (every change, allowed or refused, and refused
 * reads), newest first: filters that become the API's filter, kept in the
 * URL so a filtered view can be shared; pages follow nextPageToken.
 */
export default function AuditPage() {
  const project = useProject();
  const { principal: me } = useSession();
  const raw = useSearch();
  const search = useMemo(() => new URLSearchParams(raw), [raw]);
  const [, navigate] = useLocation();
  const applied = useMemo(() => readAuditQuery(search), [search]);
  const size = SIZES.includes(search.get('pageSize') ?? '') ? search.get('pageSize')! : '50';
  const filter = auditFilter(applied);
  const q = new URLSearchParams({ pageSize: size });
  if (filter) q.set('filter', filter);
  const list = usePages<AuditEntry>(`${projectPath(project, 'auditLog')}?${q}`, 'auditEntries');
  const go = (next: AuditQuery, pageSize = size) => {
    const p = new URLSearchParams();
    for (const k of AUDIT_KEYS) if (next[k]) p.set(k, next[k]);
    if (pageSize !== '50') p.set('pageSize', pageSize);
    navigate(`/audit${p.size ? `?${p}` : ''}`);
  };
  const principals = useMemo(() => [...new Set([me, ...list.items.map((e) => e.principal)])].filter(Boolean).sort(), [me, list.items]);
  return (
    <Page title="Audit log">
      <div className="automation">
        <p className="muted">Every change in project <code>{project}</code>, allowed or refused, and every refused read, newest first. <code>rouge audit --project {project}</code> reads the same log.</p>
        <Panel title="Filter">
          <AuditForm applied={applied} principals={principals} onApply={(next) => go(next)} />
          <p className="muted small">Filter sent: {filter ? <code className="filter-text" data-testid="audit-filter">{filter}</code> : <span>none (every entry)</span>}</p>
        </Panel>
        <Panel title="Entries" actions={(
          <div className="field inline">
            <label htmlFor="audit-page-size">Per page</label>
            <select id="audit-page-size" value={size} onChange={(e) => go(applied, e.target.value)}>
              {SIZES.map((s) => <option key={s} value={s}>{s}</option>)}
            </select>
          </div>
        )}>
          <ErrorBox error={list.error} />
          {!list.loaded ? <Loading /> : null}
          <p role="status" aria-live="polite" className="muted small">{list.loaded && !list.error ? `${list.items.length} entr${list.items.length === 1 ? 'y' : 'ies'} shown${list.more ? '; more exist' : ''}.` : ''}</p>
          {list.loaded && !list.error && list.items.length === 0 ? (
            <Empty>{filter ? 'No entry matches this filter. Widen it, or Clear it.' : 'Nothing has been recorded in this project yet: every POST, PUT, PATCH or DELETE made in it will be.'}</Empty>
          ) : null}
          {list.items.length ? <AuditTable key={`${filter ?? ''}/${size}`} entries={list.items} /> : null}
          {list.more ? <button type="button" className="secondary more" disabled={list.loading} onClick={list.loadMore}>{list.loading ? 'Loading…' : 'Load more'}</button> : null}
        </Panel>
      </div>
    </Page>
  );
}
