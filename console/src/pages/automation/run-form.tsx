import { useState, type FormEvent } from 'react';
import type { ParameterSpec } from './types';

type Values = Record<string, string | boolean>;

function initial(params: Record<string, ParameterSpec>): Values {
  return Object.fromEntries(Object.entries(params).map(([k, p]) => [k, p.type === 'boolean' ? p.default === true : p.default === undefined ? '' : String(p.default)]));
}

/** The form's values as the API's `parameters`: typed, and a blank left out so the pipeline's default (or its error) applies. */
export function toParameters(params: Record<string, ParameterSpec>, values: Values): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, p] of Object.entries(params)) {
    const v = values[k];
    if (p.type === 'boolean') out[k] = v === true;
    else if (typeof v === 'string' && v.trim() !== '') out[k] = p.type === 'string' ? v : Number(v);
  }
  return out;
}

/** A run's parameters, one labelled input each, filled with the pipeline's defaults. */
export function RunForm({ pipeline, params, busy, onRun, onClose }: {
  pipeline: string;
  params: Record<string, ParameterSpec>;
  busy: boolean;
  onRun: (parameters: Record<string, string | number | boolean>) => void;
  onClose: () => void;
}) {
  const [values, setValues] = useState<Values>(() => initial(params));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onRun(toParameters(params, values));
  };
  const id = (k: string) => `param-${pipeline}-${k}`;
  return (
    <form className="run-form" onSubmit={submit} aria-label={`Parameters of a run of ${pipeline}`}>
      {Object.entries(params).map(([k, p]) => (
        <div key={k} className="field">
          {p.type === 'boolean' ? (
            <label htmlFor={id(k)} className="check">
              <input id={id(k)} type="checkbox" checked={values[k] === true} onChange={(e) => setValues({ ...values, [k]: e.target.checked })} /> {k}
            </label>
          ) : (
            <>
              <label htmlFor={id(k)}>{k} <span className="muted">({p.type})</span></label>
              <input id={id(k)} type={p.type === 'string' ? 'text' : 'number'} step={p.type === 'integer' ? 1 : 'any'} value={String(values[k] ?? '')}
                required={p.default === undefined} aria-describedby={p.description ? `${id(k)}-help` : undefined}
                onChange={(e) => setValues({ ...values, [k]: e.target.value })} />
            </>
          )}
          {p.description ? <span id={`${id(k)}-help`} className="muted small">{p.description}</span> : null}
        </div>
      ))}
      <div className="actions">
        <button type="submit" disabled={busy}>{busy ? 'Starting…' : `Start run of ${pipeline}`}</button>
        <button type="button" className="secondary" onClick={onClose}>Close</button>
      </div>
    </form>
  );
}
