import { Link } from 'wouter';
import { projectPath } from '../../api/client';
import { useApi } from '../../api/use-api';
import { useProject } from '../../shell/project';
import { ErrorBox } from '../../ui/error-box';
import { money } from '../../ui/format';
import { Page, Panel } from '../../ui/page';
import { Empty, Loading } from '../../ui/status';
import { AdsSettingsPanel } from './ads-settings-panel';
import './commerce.css';
import { CreateAdvertiserForm } from './create-advertiser-form';
import { SpendMeter } from './spend-meter';
import type { AdsSettings, Advertiser, Campaign } from './types';
import { useAdvertiserCampaigns } from './use-advertiser-campaigns';
import { useList } from '../../api/use-list';
import { TableWrap } from '../../ui/table-wrap';

/** Sums amounts of one currency (the project's ads currency: every campaign amount is in it). */
const sum = (list: Campaign[], pick: (c: Campaign) => number) => list.reduce((n, c) => n + pick(c), 0);

/** Sponsored products: the ads settings, every advertiser with its campaigns' spend today, and a form to add one. */
export default function AdvertisersPage() {
  const project = useProject();
  const settings = useApi<AdsSettings>(projectPath(project, 'adsSettings'));
  const advertisers = useList<Advertiser>(`${projectPath(project, 'advertisers')}?pageSize=200`, 'advertisers');
  const campaigns = useAdvertiserCampaigns(project, advertisers.data);
  const currency = settings.data?.currency;
  return (
    <Page title="Sponsored products">
      <AdsSettingsPanel settings={settings.data} error={settings.error} project={project} />
      <Panel title="Advertisers">
        <ErrorBox error={advertisers.error} />
        <ErrorBox error={campaigns.error} />
        {!advertisers.data && !advertisers.error ? <Loading /> : null}
        {advertisers.data && advertisers.data.length === 0 ? (
          <Empty>No advertiser yet. Create one below, or with <code>rouge ads advertisers create velvetine --brand Velvetine --project {project}</code>.</Empty>
        ) : null}
        {advertisers.data && advertisers.data.length > 0 ? (
          <TableWrap label="Advertisers and their campaigns' spend today">
            <table>
              <caption className="visually-hidden">Advertisers and their campaigns' spend today</caption>
              <thead>
                <tr>
                  <th scope="col">Advertiser</th><th scope="col">Brand</th><th scope="col" className="num">Campaigns (active)</th>
                  <th scope="col">Spend today of active daily budgets</th><th scope="col" className="num">Spend in all</th>
                </tr>
              </thead>
              <tbody>
                {advertisers.data.map((a) => {
                  const list = campaigns.byAdvertiser?.get(a.advertiserId);
                  const active = list?.filter((c) => c.status === 'active') ?? [];
                  const c = list?.[0]?.spend.today.currency ?? currency ?? 'USD';
                  return (
                    <tr key={a.advertiserId}>
                      <th scope="row"><Link href={`/ads/${encodeURIComponent(a.advertiserId)}`}>{a.displayName}</Link> <code className="muted">{a.advertiserId}</code></th>
                      <td>{a.brand}</td>
                      <td className="num">{list ? `${list.length} (${active.length})` : '…'}</td>
                      <td>{list
                        ? <SpendMeter spent={{ amount: sum(list, (x) => x.spend.today.amount), currency: c }} budget={active.length > 0 ? { amount: sum(active, (x) => x.dailyBudget.amount), currency: c } : undefined} label={`${a.displayName}: spend today of its active campaigns' daily budgets`} />
                        : '…'}</td>
                      <td className="num">{list ? money(sum(list, (x) => x.spend.total.amount), c) : '…'}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </TableWrap>
        ) : null}
      </Panel>
      <Panel title="Create an advertiser">
        <CreateAdvertiserForm project={project} onCreated={advertisers.reload} />
      </Panel>
    </Page>
  );
}
