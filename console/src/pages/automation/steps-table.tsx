import { when } from '../../ui/format';
import { awaitingApproval, duration } from './format';
import { Badge } from './state-badge';
import type { Step } from './types';

/**
 * The run's steps as a table: the same facts as the graph, for keyboard and
 * screen-reader users. Each step's button selects it for the log below;
 * a step waiting for an approval has its Approve button here.
 */
export function StepsTable({ steps, selected, onSelect, onApprove, busy }: {
  steps: Step[];
  selected: string | null;
  onSelect: (step: string | null) => void;
  onApprove: (step: string) => void;
  busy: boolean;
}) {
  return (
    <div className="table-wrap">
      <table>
        <caption className="visually-hidden">Steps of the run, in the pipeline's order</caption>
        <thead>
          <tr>
            <th scope="col">Step</th><th scope="col">Kind</th><th scope="col">State</th><th scope="col" className="num">Attempts</th>
            <th scope="col">Started</th><th scope="col" className="num">Duration</th><th scope="col">Needs</th><th scope="col">Error</th>
          </tr>
        </thead>
        <tbody>
          {steps.map((s) => {
            const waiting = awaitingApproval(s);
            const isSelected = s.name === selected;
            return (
              <tr key={s.name} className={isSelected ? 'selected' : undefined}>
                <th scope="row">
                  <button type="button" className="link" aria-pressed={isSelected} onClick={() => onSelect(isSelected ? null : s.name)}
                    aria-label={`${s.name}: show its logs`}>{s.name}</button>
                </th>
                <td><code>{s.kind}</code></td>
                <td>
                  <Badge state={s.state} />
                  {waiting ? <> <span className="muted">awaiting approval</span> <button type="button" disabled={busy} onClick={() => onApprove(s.name)}>Approve {s.name}</button></> : null}
                </td>
                <td className="num">{s.attempt}</td>
                <td>{when(s.startTime)}</td>
                <td className="num">{s.startTime ? duration(s.startTime, s.endTime) : '–'}</td>
                <td>{s.needs.length ? s.needs.join(', ') : <span className="muted">none</span>}</td>
                <td className="step-error">{s.error ?? ''}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
