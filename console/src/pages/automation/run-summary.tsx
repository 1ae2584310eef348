import { Link } from 'wouter';
import { leaf, when } from '../../ui/format';
import { duration, showValue } from './format';
import { Badge } from './state-badge';
import type { Run } from './types';

/** A run's facts: state, what started it, when, how long, with which parameters, and why it failed. */
export function RunSummary({ run }: { run: Run }) {
  const pipeline = leaf(run.pipeline);
  const params = Object.entries(run.parameters);
  return (
    <dl className="facts">
      <div><dt>State</dt><dd><Badge state={run.state} /></dd></div>
      <div><dt>Pipeline</dt><dd><Link href={`/pipelines?pipeline=${encodeURIComponent(pipeline)}`}>{pipeline}</Link></dd></div>
      <div><dt>Started by</dt><dd>{run.trigger ? <>trigger <Link href="/triggers">{leaf(run.trigger)}</Link> <span className="muted">acting as {run.principal}</span></> : <>{run.principal} <span className="muted">by hand</span></>}</dd></div>
      <div><dt>Created</dt><dd>{when(run.createTime)}</dd></div>
      <div><dt>Started</dt><dd>{when(run.startTime)}</dd></div>
      <div><dt>Ended</dt><dd>{when(run.endTime)}</dd></div>
      <div><dt>Duration</dt><dd>{duration(run.startTime, run.endTime)}</dd></div>
      <div><dt>Parameters</dt><dd>{params.length ? params.map(([k, v]) => <code key={k} className="param">{k}={showValue(v)}</code>) : <span className="muted">none</span>}</dd></div>
      {run.error ? <div className="wide"><dt>Error</dt><dd className="step-error">{run.error}</dd></div> : null}
    </dl>
  );
}
