import { useMemo, useState } from 'react';
import { Link, useSearch } from 'wouter';
import { api, projectPath } from '../../api/client';
import { useAction, useApi } from '../../api/use-api';
import { useProject } from '../../shell/project';
import { ErrorBox } from '../../ui/error-box';
import { Page, Panel } from '../../ui/page';
import { Empty, Loading } from '../../ui/status';
import './commerce.css';
import { RecommendForm, type RecommendAsk } from './recommend-form';
import { RecommendResults } from './recommend-results';
import { ITEM_FIELDS, type AdsSettings, type RecommendResult, type Recommender } from './types';
import { useList } from '../../api/use-list';

/**
 * Try the project's recommenders as the storefront calls them: organic
 * results with their reasons next to the sponsored products the auction
 * placed, with their campaign and cost per click.
 * `?recommender=search&query=lipstick` pre-fills the form.
 */
export default function RecommendPage() {
  const project = useProject();
  const params = new URLSearchParams(useSearch());
  const recs = useList<Recommender>(`${projectPath(project, 'recommenders')}?pageSize=200`, 'recommenders');
  const action = useAction();
  const [answer, setAnswer] = useState<{ ask: RecommendAsk; result: RecommendResult }>();
  const debug = answer?.result.adsDebug;
  // Each sponsored item and each entry of the auction's explanation names its campaign's advertiser, for the links.
  const owners = useMemo(() => new Map([
    ...(answer?.result.sponsored ?? []).map((s): [string, string] => [s.campaignId, s.advertiserId]),
    ...(debug?.entries ?? []).map((e): [string, string] => [e.campaignId, e.advertiserId]),
  ]), [answer, debug]);
  // Bids in the explanation are minor units of the ads currency, which no sponsored item may be there to name.
  const settings = useApi<AdsSettings>(debug ? projectPath(project, 'adsSettings') : null);
  const [picked, setPicked] = useState<string>();

  const ask = async (a: RecommendAsk) => {
    const body = {
      ...(a.query !== undefined ? { query: a.query } : {}),
      ...(a.product ? { itemIds: [a.product.id] } : {}),
      ...(a.userId ? { userId: a.userId } : {}),
      limit: a.limit, sponsoredSlots: a.sponsoredSlots, fields: [...ITEM_FIELDS],
      ...(a.debug && a.sponsoredSlots > 0 ? { debug: true } : {}),
    };
    const result = await action.run(() => api<RecommendResult>('POST', projectPath(project, `recommenders/${encodeURIComponent(a.recommender)}:recommend`), { body }));
    setAnswer(result ? { ask: a, result } : undefined);
  };

  const current = picked ?? params.get('recommender') ?? recs.data?.find((r) => r.kind === 'search')?.recommenderId ?? recs.data?.[0]?.recommenderId;
  return (
    <Page title="Recommendations" actions={current && recs.data?.some((r) => r.recommenderId === current)
      ? <Link href={`/recommenders/${encodeURIComponent(current)}`}>About {current}: configuration and A/B report</Link>
      : undefined}>
      <ErrorBox error={recs.error} />
      {!recs.data && !recs.error ? <Loading /> : null}
      {recs.data && recs.data.length === 0 ? (
        <Empty>
          This project has no recommender yet. Train a model with <code>rouge recs train --alias champion --project {project}</code>, then
          create one with <code>rouge recommenders create search --kind search --project {project}</code>.
        </Empty>
      ) : null}
      {recs.data && recs.data.length > 0 ? (
        <Panel title="Ask">
          <RecommendForm project={project} recommenders={recs.data} busy={action.busy}
            initial={{ recommender: params.get('recommender') ?? undefined, query: params.get('query') ?? undefined }}
            onAsk={(a) => void ask(a)} onPick={setPicked} />
          <ErrorBox error={action.error} onDismiss={action.clear} />
        </Panel>
      ) : null}
      {answer ? <RecommendResults ask={answer.ask} result={answer.result} owners={owners} currency={settings.data?.currency} /> : null}
    </Page>
  );
}
