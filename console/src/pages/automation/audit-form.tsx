import { useState, type FormEvent } from 'react';
import { AUDIT_KEYS, type AuditQuery } from './audit-filter';

const EMPTY: AuditQuery = { principal: '', action: '', method: '', resource: '', result: '', from: '', to: '' };

/** The audit log's filter inputs, each labelled; applied on submit (Enter in any field). */
export function AuditForm({ applied, principals, onApply }: { applied: AuditQuery; principals: string[]; onApply: (q: AuditQuery) => void }) {
  const [q, setQ] = useState<AuditQuery>(applied);
  const [seen, setSeen] = useState(applied);
  // The URL changed from outside (back, forward): the inputs follow it.
  if (AUDIT_KEYS.some((k) => applied[k] !== seen[k])) {
    setSeen(applied);
    setQ(applied);
  }
  const field = (k: keyof AuditQuery) => ({ id: `audit-${k}`, value: q[k], onChange: (e: { target: { value: string } }) => setQ({ ...q, [k]: e.target.value }) });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onApply(q);
  };
  return (
    <form className="audit-form" onSubmit={submit} aria-label="Filter the audit log">
      <div className="field">
        <label htmlFor="audit-principal">Principal</label>
        <input {...field('principal')} list="audit-principals" placeholder="user:admin" aria-describedby="audit-principal-help" spellCheck={false} />
        <datalist id="audit-principals">{principals.map((p) => <option key={p} value={p} />)}</datalist>
        <span id="audit-principal-help" className="muted small">exactly, e.g. <code>serviceAccount:etl@shop</code> or <code>unauthenticated</code></span>
      </div>
      <div className="field">
        <label htmlFor="audit-action">Action (permission)</label>
        <input {...field('action')} placeholder="pipelines.runs" aria-describedby="audit-action-help" spellCheck={false} />
        <span id="audit-action-help" className="muted small">contains, e.g. <code>triggers.update</code></span>
      </div>
      <div className="field">
        <label htmlFor="audit-method">Method</label>
        <select {...field('method')}>
          <option value="">any</option>
          {['POST', 'PUT', 'PATCH', 'DELETE', 'GET'].map((m) => <option key={m} value={m}>{m}</option>)}
        </select>
      </div>
      <div className="field">
        <label htmlFor="audit-resource">Resource</label>
        <input {...field('resource')} placeholder="pipelines/retrain-recs" aria-describedby="audit-resource-help" spellCheck={false} />
        <span id="audit-resource-help" className="muted small">contains</span>
      </div>
      <div className="field">
        <label htmlFor="audit-result">Result</label>
        <select {...field('result')}>
          <option value="">any</option>
          <option value="allowed">allowed</option>
          <option value="denied">denied (401, 403)</option>
          <option value="failed">failed (other errors)</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor="audit-from">From</label>
        <input {...field('from')} type="datetime-local" />
      </div>
      <div className="field">
        <label htmlFor="audit-to">To</label>
        <input {...field('to')} type="datetime-local" />
      </div>
      <div className="actions form-actions">
        <button type="submit">Apply filter</button>
        <button type="button" className="secondary" onClick={() => { setQ(EMPTY); onApply(EMPTY); }}>Clear</button>
      </div>
    </form>
  );
}
