import { useEffect, useState } from 'react';
import { api, projectPath } from '../../api/client';
import type { ApiError } from '../../api/errors';
import { ErrorBox } from '../../ui/error-box';
import { count } from '../../ui/format';
import { Empty, Loading } from '../../ui/status';
import { type FeedFormat, feedParser, type FeedRows } from './feed-parse';
import { TableWrap } from '../../ui/table-wrap';

const KEEP = 10;
const LAST = new Set(['description', 'link', 'image_link', 'additional_image_link']);

interface Preview { rows?: FeedRows; complete: boolean; error?: ApiError }

/**
 * Streams a feed file (GET .../feeds/{file}, with the key) through the
 * format's parser: the first rows show as soon as they arrive, the count
 * grows until the file ends. A new file or leaving the page aborts the read.
 */
function useFeedPreview(project: string, file: string, format: FeedFormat): Preview {
  const [state, setState] = useState<Preview>({ complete: false });
  useEffect(() => {
    const ctl = new AbortController();
    setState({ complete: false });
    const parser = feedParser(format, KEEP);
    (async () => {
      const res = await api<Response>('GET', projectPath(project, 'feeds', file), { raw: true, signal: ctl.signal });
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      let shown = 0;
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        parser.push(value);
        // Re-rendered when the first rows arrive and then now and then, not on every chunk of a large file.
        const n = parser.result().total;
        if ((shown < KEEP && n > shown) || (shown >= KEEP && n >= shown * 2)) { shown = n; setState({ rows: { ...parser.result() }, complete: false }); }
      }
      parser.end();
      setState({ rows: parser.result(), complete: true });
    })().catch((e: ApiError) => { if (e.name !== 'AbortError') setState({ complete: true, error: e }); });
    return () => ctl.abort();
  }, [project, file, format]);
  return state;
}

/** The first rows of a feed file as a table, the columns that have a value in them, and how many products the file holds. */
export function FeedPreview({ project, file, format }: { project: string; file: string; format: FeedFormat }) {
  const { rows, complete, error } = useFeedPreview(project, file, format);
  if (error) return <ErrorBox error={error} />;
  if (!rows) return <Loading what={`Reading ${file}…`} />;
  // Columns empty in every row shown are left out: 23 columns would not fit, and empty ones say nothing.
  // Long text and links go last, so the price, category and labels are in view without scrolling.
  const cols = rows.columns.map((c, i) => ({ c, i })).filter(({ i }) => rows.rows.some((r) => (r[i] ?? '') !== ''))
    .sort((a, b) => Number(LAST.has(a.c)) - Number(LAST.has(b.c)) || a.i - b.i);
  return (
    <>
      <p role="status" aria-live="polite" className="feed-count">
        {complete ? <><strong>{count(rows.total)}</strong> {rows.total === 1 ? 'product' : 'products'} in <code>{file}</code></> : <>Reading <code>{file}</code>: {count(rows.total)} products so far…</>}
        {rows.rows.length > 0 ? `; the first ${count(rows.rows.length)} below` : ''}
        {rows.columns.length > cols.length ? ` (${rows.columns.length - cols.length} columns empty in them are not shown; description and links last)` : ''}.
      </p>
      {complete && rows.total === 0
        ? <Empty>The feed has no product: every item is left out (the exclusion report says why) or the catalogue is empty (<code>rouge catalog import</code>).</Empty>
        : (
          <TableWrap label={`The first products of ${file}`}>
            <table className="feed-table">
              <caption className="visually-hidden">The first products of {file}</caption>
              <thead><tr>{cols.map(({ c }) => <th key={c} scope="col">{c}</th>)}</tr></thead>
              <tbody>
                {rows.rows.map((r, n) => (
                  <tr key={n}>{cols.map(({ c, i }) => <td key={c} title={r[i]}>{r[i]}</td>)}</tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
    </>
  );
}
