import { projectPath } from '../../api/client';
import { useApi } from '../../api/use-api';
import { ErrorBox } from '../../ui/error-box';
import { count } from '../../ui/format';
import { Empty, Loading } from '../../ui/status';
import { TableWrap } from '../../ui/table-wrap';

interface Finding { itemId: string; field: string; rule: string; message: string }
/** GET .../feeds/{feed}/report (src/tagging/feeds/routes.ts). */
interface FeedReport { feed: string; items: number; included: number; excluded: Finding[]; changed: Finding[] }

/** The reason a rule stands for, in words (docs/feeds.md, Validation); image checks keep their name. */
function reasonOf(f: Finding): string {
  if (f.rule === 'required') return f.field === 'brand' ? 'No brand (or identifier)' : f.field === 'image_link' ? 'No image' : `No ${f.field.replace(/_/g, ' ')}`;
  if (f.rule === 'positive') return 'A price of 0';
  if (f.rule === 'max_length') return `${f.field} too long: cut`;
  if (f.rule === 'no_html') return `HTML in the ${f.field}: removed`;
  if (f.rule === 'colour_mismatch') return 'Declared colour unlike the image';
  if (f.rule === 'label_values') return 'Label past 1,000 values: left empty';
  return `Image fails ${f.rule}`;
}

interface Group { key: string; reason: string; rule: string; field: string; findings: Finding[] }

function grouped(findings: Finding[]): Group[] {
  const groups = new Map<string, Group>();
  for (const f of findings) {
    const key = `${f.field}\u0000${f.rule}`;
    const g = groups.get(key) ?? { key, reason: reasonOf(f), rule: f.rule, field: f.field, findings: [] };
    g.findings.push(f);
    groups.set(key, g);
  }
  return [...groups.values()].sort((a, b) => b.findings.length - a.findings.length || a.reason.localeCompare(b.reason));
}

function Findings({ caption, findings }: { caption: string; findings: Finding[] }) {
  return (
    <TableWrap label={caption}>
      <table className="report-table">
        <caption className="img-caption">{caption}</caption>
        <thead><tr><th scope="col">Reason</th><th scope="col">Rule</th><th scope="col" className="num">Products</th><th scope="col">Which, and what the check said</th></tr></thead>
        <tbody>
          {grouped(findings).map((g) => (
            <tr key={g.key} data-rule={g.rule}>
              <th scope="row">{g.reason}</th>
              <td><code>{g.field}: {g.rule}</code></td>
              <td className="num">{count(g.findings.length)}</td>
              <td>
                <details>
                  <summary>{g.findings.slice(0, 4).map((f) => f.itemId).join(', ')}{g.findings.length > 4 ? `, and ${g.findings.length - 4} more` : ''}</summary>
                  <ul className="img-findings">{g.findings.map((f, i) => <li key={`${f.itemId}-${i}`}><code>{f.itemId}</code>: {f.message}</li>)}</ul>
                </details>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

/** What a channel's feed leaves out and what it changed to fit, grouped by reason with counts, as Merchant Center's diagnostics do. */
export function ExclusionReport({ project, feed }: { project: string; feed: 'google' | 'meta' }) {
  const { data, error } = useApi<FeedReport>(projectPath(project, 'feeds', feed, 'report'));
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading what="Validating the feed…" />;
  const left = new Set(data.excluded.map((f) => f.itemId)).size;
  return (
    <>
      <dl className="img-figures">
        <div><dt>Catalogue items</dt><dd>{count(data.items)}</dd></div>
        <div><dt>In the feed</dt><dd>{count(data.included)}</dd></div>
        <div><dt>Left out</dt><dd>{count(left)}</dd></div>
        <div><dt>Changed to fit</dt><dd>{count(new Set(data.changed.map((f) => f.itemId)).size)}</dd></div>
      </dl>
      {data.excluded.length === 0
        ? <Empty>No product is left out of this feed.</Empty>
        : <Findings caption="Left out, by reason (a product failing several rules is counted under each)" findings={data.excluded} />}
      {data.changed.length > 0 ? <Findings caption="Kept, but changed to fit" findings={data.changed} /> : null}
      <p className="muted">The same report in a terminal: <code>rouge feeds validate {feed} --project {project}</code>.</p>
    </>
  );
}
