import { Link, useParams } from 'wouter';
import { projectPath } from '../../api/client';
import { useApi } from '../../api/use-api';
import { useProject } from '../../shell/project';
import { ErrorBox } from '../../ui/error-box';
import { when } from '../../ui/format';
import { Page, Panel } from '../../ui/page';
import { Empty, Loading } from '../../ui/status';
import { AbReport } from './ab-report';
import './commerce.css';
import type { Recommender } from './types';
import { TableWrap } from '../../ui/table-wrap';

/** A recommender: how it is configured, its experiment's variants and the A/B report. */
export default function RecommenderPage() {
  const project = useProject();
  const { recommender = '' } = useParams<{ recommender: string }>();
  const { data: r, error } = useApi<Recommender>(projectPath(project, 'recommenders', encodeURIComponent(recommender)));
  return (
    <Page title={`Recommender ${recommender}`} actions={<Link href={`/recommend?recommender=${encodeURIComponent(recommender)}`}>Try it</Link>}>
      <p><Link href="/recommend">← Recommendations</Link></p>
      <ErrorBox error={error} />
      {!r && !error ? <Loading /> : null}
      {r ? (
        <>
          <Panel title="Configuration">
            <dl className="facts wide">
              <div><dt>Display name</dt><dd>{r.displayName}</dd></div>
              <div><dt>Kind</dt><dd><code>{r.kind}</code></dd></div>
              <div><dt>Model</dt><dd><code>{r.model}</code></dd></div>
              <div><dt>Fields</dt><dd>{r.fields.length > 0 ? r.fields.join(', ') : 'none (ids only)'}</dd></div>
              <div><dt>Re-ranking</dt><dd>{r.rerank ? <>endpoint <code>{r.rerank.endpoint}</code>, top {r.rerank.topK}, budget {r.rerank.budgetMs} ms</> : 'none'}</dd></div>
              <div><dt>Created</dt><dd>{when(r.createTime)}</dd></div>
              <div><dt>Updated</dt><dd>{when(r.updateTime)}</dd></div>
            </dl>
            <h3 className="sub">Rules</h3>
            {Object.keys(r.rules).length > 0 ? <pre className="pre">{JSON.stringify(r.rules, null, 2)}</pre> : <p className="muted">No rules: out-of-stock and discontinued items are still never shown.</p>}
          </Panel>
          <Panel title="A/B test">
            {r.experiment ? (
              <>
                <p>Split by <code>{r.experiment.unit}</code>: each {r.experiment.unit === 'userId' ? 'user' : 'session'} always sees the same variant; the first is the control.</p>
                <TableWrap label="Variants">
                  <table>
                    <caption className="visually-hidden">Variants</caption>
                    <thead><tr><th scope="col">Variant</th><th scope="col" className="num">Weight</th><th scope="col">Model</th><th scope="col">Re-ranking</th></tr></thead>
                    <tbody>
                      {r.experiment.variants.map((v) => (
                        <tr key={v.name}>
                          <th scope="row">{v.name}</th>
                          <td className="num">{v.weight} %</td>
                          <td><code>{v.model ?? r.model}</code>{v.model ? null : <span className="muted"> (the recommender's)</span>}</td>
                          <td>{v.rerank === null ? 'none' : v.rerank ? <>endpoint <code>{v.rerank.endpoint}</code>, top {v.rerank.topK}</> : <span className="muted">the recommender's ({r.rerank ? r.rerank.endpoint : 'none'})</span>}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </TableWrap>
                <h3 className="sub">Report</h3>
                <AbReport project={project} recommender={recommender} />
              </>
            ) : (
              <Empty>
                No A/B test runs on this recommender. Start one with <code>PATCH …/recommenders/{recommender}?updateMask=experiment</code> and
                a body such as <code>{'{"experiment": {"unit": "userId", "variants": [{"name": "control", "weight": 50}, {"name": "new", "weight": 50, "model": "recs@challenger"}]}}'}</code> (docs/recommendations.md, “A/B tests”).
              </Empty>
            )}
          </Panel>
        </>
      ) : null}
    </Page>
  );
}
