import { useEffect, useState } from 'react';
import { listAll, projectPath } from '../../api/client';
import type { ApiError } from '../../api/errors';
import { ErrorBox } from '../../ui/error-box';
import { count } from '../../ui/format';
import { Empty, Loading } from '../../ui/status';
import type { RunResult } from './run-types';
import { TableWrap } from '../../ui/table-wrap';

const PAGE = 1000;
const MAX_PAGES = 10;

interface Summary { total: number; ok: number; capped: boolean; errors: Array<[string, string[]]>; failed: Array<[string, string[]]> }

/** Results grouped: the error codes of the images that could not be analysed, and the checks the others failed, with the items of each. */
function summarise(results: RunResult[]): Summary {
  const errors = new Map<string, string[]>();
  const failed = new Map<string, string[]>();
  for (const r of results) {
    if (r.status === 'error') errors.set(r.error?.code ?? 'error', [...(errors.get(r.error?.code ?? 'error') ?? []), r.itemId]);
    for (const c of r.checks) if (!c.passed) failed.set(c.name, [...(failed.get(c.name) ?? []), r.itemId]);
  }
  const byCount = (m: Map<string, string[]>) => [...m].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]));
  return { total: results.length, ok: results.filter((r) => r.status === 'ok').length, capped: results.length >= PAGE * MAX_PAGES, errors: byCount(errors), failed: byCount(failed) };
}

function Grouped({ caption, what, rows }: { caption: string; what: string; rows: Array<[string, string[]]> }) {
  return (
    <TableWrap label={caption}>
      <table>
        <caption className="img-caption">{caption}</caption>
        <thead><tr><th scope="col">{what}</th><th scope="col" className="num">Items</th><th scope="col">Some of them</th></tr></thead>
        <tbody>
          {rows.map(([name, items]) => (
            <tr key={name}><td><code>{name}</code></td><td className="num">{count(items.length)}</td><td>{items.slice(0, 6).join(', ')}{items.length > 6 ? ', …' : ''}</td></tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

/** A run's results summary (GET .../tagging/runs/{run}/results, every page up to 10,000 items), loaded again when the run ends. */
export function RunResults({ project, run, done }: { project: string; run: string; done: boolean }) {
  const [summary, setSummary] = useState<Summary>();
  const [error, setError] = useState<ApiError>();
  useEffect(() => {
    let live = true;
    setSummary(undefined);
    listAll<RunResult>(`${projectPath(project, 'tagging', 'runs', encodeURIComponent(run), 'results')}?pageSize=${PAGE}`, 'results', MAX_PAGES)
      .then((r) => { if (live) { setSummary(summarise(r)); setError(undefined); } }, (e: ApiError) => { if (live) setError(e); });
    return () => { live = false; };
  }, [project, run, done]);
  if (error) return <ErrorBox error={error} />;
  if (!summary) return <Loading what="Loading the results…" />;
  if (summary.total === 0) return <Empty>No image has a result yet{done ? '' : '; they appear as the run goes'}.</Empty>;
  return (
    <>
      <p>{count(summary.total)}{summary.capped ? '+' : ''} items: {count(summary.ok)} analysed, {count(summary.total - summary.ok)} could not be (their error below).
        {' '}<code>rouge tags report {run} --failed --project {project}</code> lists them item by item.</p>
      {summary.errors.length > 0 ? <Grouped caption="Images that could not be analysed, by error" what="Error" rows={summary.errors} /> : null}
      {summary.failed.length > 0 ? <Grouped caption="Checks failed, by check" what="Check" rows={summary.failed} /> : <p className="muted">Every analysed image passed every check.</p>}
    </>
  );
}
