import { Link } from 'wouter';
import { count, leaf, when } from '../../ui/format';
import { StateBadge } from '../../ui/status';
import type { RunOperation } from './run-types';
import { TableWrap } from '../../ui/table-wrap';

/** The project's tagging runs, newest first; the selected one is marked in words as well as colour. */
export function RunsList({ runs, selected }: { runs: RunOperation[]; selected: string | null }) {
  return (
    <TableWrap label="Tagging runs">
      <table>
        <caption className="visually-hidden">Tagging runs, newest first</caption>
        <thead>
          <tr><th scope="col">Run</th><th scope="col">State</th><th scope="col">Progress</th><th scope="col" className="num">Errors</th><th scope="col">Started</th><th scope="col">Ended</th></tr>
        </thead>
        <tbody>
          {runs.map((op) => {
            const id = leaf(op.name);
            const p = op.metadata.progress;
            const isSel = id === selected;
            return (
              <tr key={id} className={isSel ? 'img-selected' : undefined}>
                <td><Link href={`/tagging?run=${encodeURIComponent(id)}`} aria-current={isSel ? 'true' : undefined}><code>{id}</code></Link>{isSel ? <span className="muted"> (shown below)</span> : null}</td>
                <td><StateBadge state={op.metadata.state} /></td>
                <td>{p?.total !== undefined ? `${count(p.processed)} of ${count(p.total)} images` : '–'}</td>
                <td className="num">{count(p?.errors ?? op.response?.errors)}</td>
                <td>{when(op.metadata.createTime)}</td>
                <td>{when(op.metadata.endTime)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </TableWrap>
  );
}
