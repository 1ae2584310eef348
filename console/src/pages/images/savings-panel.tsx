import { useState, type FormEvent } from 'react';
import { projectPath } from '../../api/client';
import { useApi } from '../../api/use-api';
import { ErrorBox } from '../../ui/error-box';
import { count, percent } from '../../ui/format';
import { Panel } from '../../ui/page';
import { Empty, Loading } from '../../ui/status';
import type { Assumptions, Savings } from './run-types';
import { SavingsChart } from './savings-chart';
import { usd } from './usd';
import { TableWrap } from '../../ui/table-wrap';

const FIELDS: Array<{ key: keyof Assumptions; label: string; step: string; min: number }> = [
  { key: 'manualSecondsPerImage', label: 'Seconds to tag an image by hand', step: '1', min: 1 },
  { key: 'reviewSecondsPerImage', label: 'Seconds to review one', step: '1', min: 0 },
  { key: 'hourlyLabourCost', label: 'Labour, USD an hour', step: '0.5', min: 0 },
  { key: 'vcpuHourCost', label: 'Compute, USD per vCPU-hour', step: '0.01', min: 0 },
  { key: 'vcpus', label: 'vCPUs of the worker', step: '1', min: 1 },
];

/** The savings report of a run (GET .../tagging/runs/{run}/savings), its assumptions editable and sent as the query. */
export function SavingsPanel({ project, run, done }: { project: string; run: string; done: boolean }) {
  const [query, setQuery] = useState('');
  const path = `${projectPath(project, 'tagging', 'runs', encodeURIComponent(run), 'savings')}${query}`;
  const { data, error } = useApi<Savings>(path, { refreshMs: done ? undefined : 3000 });
  return (
    <Panel title="Savings">
      <ErrorBox error={error} />
      {!data && !error ? <Loading what="Loading the savings report…" /> : null}
      {data ? <SavingsBody savings={data} project={project} onAssume={(a) => setQuery(`?${new URLSearchParams(Object.entries(a).map(([k, v]) => [k, String(v)])).toString()}`)} /> : null}
    </Panel>
  );
}

/** Hours of work, in minutes below an hour (a small run saves minutes, which 0.1 h would hide). */
function duration(hours: number): string {
  return Math.abs(hours) >= 1 ? `${hours.toFixed(1)} h` : `${(hours * 60).toFixed(1)} min`;
}

function SavingsBody({ savings: s, project, onAssume }: { savings: Savings; project: string; onAssume: (a: Assumptions) => void }) {
  const [draft, setDraft] = useState<Record<string, string>>({});
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const a = { ...s.assumptions };
    for (const f of FIELDS) if (draft[f.key] !== undefined && draft[f.key] !== '') a[f.key] = Number(draft[f.key]);
    onAssume(a);
  };
  if (s.classified === 0) {
    return (
      <Empty>
        This run analysed {count(s.imagesProcessed)} images but classified none: the project had no <code>tagger@champion</code> when it ran.
        Train one with <code>rouge tags train --labels labelled.csv --project {project}</code>, then start a run; its savings show here.
      </Empty>
    );
  }
  const audit = s.audit;
  return (
    <>
      <dl className="img-figures">
        <div><dt>Images classified</dt><dd>{count(s.classified)} <span className="muted">of {count(s.imagesProcessed)} analysed</span></dd></div>
        <div><dt>Auto-accepted</dt><dd>{percent(s.autoAcceptedShare)} <span className="muted">{count(s.autoAccepted)} images</span></dd></div>
        <div><dt>Sent to review</dt><dd>{percent(s.sentToReviewShare)} <span className="muted">{count(s.sentToReview)} images</span></dd></div>
        <div><dt>Measured precision of auto-accepted tags</dt><dd>{audit.measuredPrecision !== undefined
          ? <>{percent(audit.measuredPrecision)} <span className="muted">95% interval {percent(audit.interval95?.[0])} to {percent(audit.interval95?.[1])}, {count(audit.reviewed)} audited</span></>
          : <span className="muted">not yet: {count(audit.sampled)} sampled for audit, none reviewed</span>}</dd></div>
        <div><dt>Manual work avoided</dt><dd>{duration(s.manualWorkAvoided.hours)} <span className="muted">{percent(s.manualWorkAvoided.share)}, {usd(s.manualWorkAvoided.cost)}</span></dd></div>
        <div><dt>Review queue of this run</dt><dd>{count(s.reviewQueue.pending)} pending <span className="muted">{count(s.reviewQueue.resolved)} decided</span></dd></div>
      </dl>
      <SavingsChart savings={s} />
      <TableWrap label="Cost per 1,000 images">
        <table>
          <caption className="img-caption">Cost per 1,000 images ({s.costPer1000Images.currency}); the cloud APIs at list price for generic labels, without the merchant's product types</caption>
          <thead><tr><th scope="col">Way</th><th scope="col" className="num">People</th><th scope="col" className="num">Machines</th><th scope="col" className="num">Total</th></tr></thead>
          <tbody>
            <tr><th scope="row">Rouge</th><td className="num">{usd(s.costPer1000Images.rouge.review)}</td><td className="num">{usd(s.costPer1000Images.rouge.compute)}</td><td className="num">{usd(s.costPer1000Images.rouge.total)}</td></tr>
            <tr><th scope="row">By hand</th><td className="num">{usd(s.costPer1000Images.manual)}</td><td className="num">–</td><td className="num">{usd(s.costPer1000Images.manual)}</td></tr>
            <tr><th scope="row">Cloud Vision labels</th><td className="num">–</td><td className="num">{usd(s.costPer1000Images.cloudVisionLabelDetection)}</td><td className="num">{usd(s.costPer1000Images.cloudVisionLabelDetection)}</td></tr>
            <tr><th scope="row">Rekognition labels</th><td className="num">–</td><td className="num">{usd(s.costPer1000Images.rekognitionDetectLabels)}</td><td className="num">{usd(s.costPer1000Images.rekognitionDetectLabels)}</td></tr>
          </tbody>
        </table>
      </TableWrap>
      <section className="img-assumptions" aria-labelledby="assumptions-title">
        <h3 id="assumptions-title">Assumptions</h3>
        <p className="muted">The figures above take these; change them to see what the run saves where labour or compute costs more.</p>
        <form className="img-inline-form" onSubmit={submit} aria-label="Savings assumptions">
          {FIELDS.map((f) => (
            <label key={f.key}>{f.label}
              <input type="number" inputMode="decimal" step={f.step} min={f.min} value={draft[f.key] ?? String(s.assumptions[f.key])}
                onChange={(e) => setDraft((d) => ({ ...d, [f.key]: e.target.value }))} />
            </label>
          ))}
          <button type="submit" className="secondary">Recalculate</button>
        </form>
      </section>
    </>
  );
}
