import { useEffect, useState } from 'react';
import { Link, useParams } from 'wouter';
import { api, projectPath } from '../../api/client';
import { useAction, useApi } from '../../api/use-api';
import { useProject } from '../../shell/project';
import { ErrorBox } from '../../ui/error-box';
import { Page, Panel } from '../../ui/page';
import { Empty, Loading } from '../../ui/status';
import { CampaignsTable } from './campaigns-table';
import './commerce.css';
import { CreateCampaignForm } from './create-campaign-form';
import { PacingChart } from './pacing-chart';
import { ReportPanel } from './report-panel';
import type { AdsSettings, Advertiser, Campaign, ProjectInfo } from './types';
import { useList } from '../../api/use-list';

/** Campaigns are read again this often, for spend today and the pacing line. */
const REFRESH_MS = 30_000;

/**
 * One advertiser: its campaigns with spend today against the daily budget
 * and a pause/resume button each, pacing over the day, and its report over
 * time (spend, clicks, CTR, ROAS).
 */
export default function AdvertiserPage() {
  const project = useProject();
  const { advertiser = '' } = useParams<{ advertiser: string }>();
  const base = projectPath(project, 'advertisers', encodeURIComponent(advertiser));
  const adv = useApi<Advertiser>(base);
  const info = useApi<ProjectInfo>(projectPath(project));
  const settings = useApi<AdsSettings>(projectPath(project, 'adsSettings'));
  const campaigns = useList<Campaign>(`${base}/campaigns?pageSize=200`, 'campaigns');
  const change = useAction();
  const [busy, setBusy] = useState<string>();
  const [said, setSaid] = useState('');
  const timeZone = info.data?.timeZone;

  const reload = campaigns.reload;
  useEffect(() => {
    const t = setInterval(reload, REFRESH_MS);
    return () => clearInterval(t);
  }, [reload]);

  const setStatus = async (c: Campaign, status: 'active' | 'paused') => {
    setBusy(c.campaignId);
    setSaid('');
    const done = await change.run(() => api<Campaign>('PATCH', `${base}/campaigns/${encodeURIComponent(c.campaignId)}?updateMask=status`, { body: { status } }));
    setBusy(undefined);
    if (!done) return;
    setSaid(`${done.displayName} is ${done.status === 'paused' ? 'paused: it takes part in no auction until resumed' : 'active again'}.`);
    campaigns.reload();
  };

  const list = campaigns.data ?? [];
  const activeBudget = list.filter((c) => c.status === 'active').reduce((n, c) => n + c.dailyBudget.amount, 0);
  return (
    <Page title={adv.data ? `Advertiser ${adv.data.displayName}` : `Advertiser ${advertiser}`}>
      <p><Link href="/ads">← Sponsored products</Link></p>
      <ErrorBox error={adv.error} />
      {adv.data ? <p>Promotes products of the brand <strong>{adv.data.brand}</strong>. <code className="muted">{adv.data.name}</code></p> : null}
      <Panel title="Campaigns">
        <ErrorBox error={campaigns.error} />
        <ErrorBox error={change.error} onDismiss={change.clear} />
        <p role="status" aria-live="polite" className="summary">{said}</p>
        {!campaigns.data && !campaigns.error ? <Loading /> : null}
        {campaigns.data && list.length === 0 ? (
          <Empty>No campaign yet. Create one below, or with <code>rouge ads campaigns create --advertiser {advertiser} --products ID1,ID2 --bid 900 --daily-budget 500000 --project {project}</code> (amounts in minor units).</Empty>
        ) : null}
        {list.length > 0 ? <CampaignsTable campaigns={list} busy={busy} onStatus={(c, s) => void setStatus(c, s)} /> : null}
      </Panel>
      {list.length > 0 ? (
        <Panel title="Pacing over the day">
          <PacingChart project={project} advertiser={advertiser} campaigns={list} timeZone={timeZone} />
        </Panel>
      ) : null}
      <Panel title="Performance">
        <ReportPanel project={project} advertiser={advertiser} dailyBudget={activeBudget > 0 ? activeBudget : undefined} />
      </Panel>
      {adv.data ? (
        <Panel title="Create a campaign">
          <CreateCampaignForm project={project} advertiser={adv.data} currency={settings.data?.currency ?? list[0]?.bid.currency} onCreated={campaigns.reload} />
        </Panel>
      ) : null}
    </Page>
  );
}
