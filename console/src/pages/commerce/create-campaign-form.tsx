import { useState, type FormEvent } from 'react';
import { api, projectPath } from '../../api/client';
import { useAction } from '../../api/use-api';
import { ErrorBox } from '../../ui/error-box';
import type { Advertiser, Campaign, Money } from './types';

/** How many minor units make a major one in a currency (INR 100, JPY 1). */
function minorPerMajor(currency: string): number {
  try {
    return 10 ** (new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2);
  } catch {
    return 100;
  }
}

/** An amount typed in major units (12.50) as the API's integer minor units; undefined when blank. */
function toMoney(text: string, currency: string): Money | undefined {
  if (text.trim() === '') return undefined;
  return { amount: Math.round(Number(text) * minorPerMajor(currency)), currency };
}

/**
 * Creates a campaign for the advertiser: its products (of the advertiser's
 * brand), the bid per click and the budgets, typed in the project's ads
 * currency in major units. The API checks everything and its message says
 * what to fix.
 */
export function CreateCampaignForm({ project, advertiser, currency, onCreated }: { project: string; advertiser: Advertiser; currency: string | undefined; onCreated: () => void }) {
  const [name, setName] = useState('');
  const [products, setProducts] = useState('');
  const [bid, setBid] = useState('');
  const [daily, setDaily] = useState('');
  const [total, setTotal] = useState('');
  const [pacing, setPacing] = useState('even');
  const [paused, setPaused] = useState(false);
  const [done, setDone] = useState('');
  const action = useAction();
  const cur = currency ?? 'USD';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setDone('');
    const totalBudget = toMoney(total, cur);
    const body = {
      ...(name.trim() ? { name: name.trim() } : {}),
      products: products.split(/[\s,]+/).filter(Boolean),
      bid: toMoney(bid, cur), dailyBudget: toMoney(daily, cur), ...(totalBudget ? { totalBudget } : {}),
      pacing, ...(paused ? { status: 'paused' } : {}),
    };
    const c = await action.run(() => api<Campaign>('POST', projectPath(project, 'advertisers', encodeURIComponent(advertiser.advertiserId), 'campaigns'), { body }));
    if (!c) return;
    setDone(`Created campaign ${c.campaignId} (${c.status}).`);
    setName('');
    setProducts('');
    onCreated();
  };

  return (
    <form className="inline-form" onSubmit={submit} aria-label="Create a campaign">
      <div className="field">
        <label htmlFor="camp-name">Id (optional)</label>
        <input id="camp-name" value={name} onChange={(e) => setName(e.target.value)} placeholder="diwali-lips" aria-describedby="camp-name-help" />
        <span id="camp-name-help" className="muted hint">Unique in the project; the server picks one when blank.</span>
      </div>
      <div className="field grow">
        <label htmlFor="camp-products">Products</label>
        <input id="camp-products" required value={products} onChange={(e) => setProducts(e.target.value)} placeholder="ID-1, ID-2" aria-describedby="camp-products-help" />
        <span id="camp-products-help" className="muted hint">Catalogue ids of {advertiser.brand} products, separated by commas.</span>
      </div>
      <div className="field narrow"><label htmlFor="camp-bid">Bid</label><input id="camp-bid" type="number" min={0} step="any" required value={bid} onChange={(e) => setBid(e.target.value)} aria-describedby="camp-bid-help" /><span id="camp-bid-help" className="muted hint">{cur}, the most a click costs.</span></div>
      <div className="field narrow"><label htmlFor="camp-daily">Daily budget</label><input id="camp-daily" type="number" min={0} step="any" required value={daily} onChange={(e) => setDaily(e.target.value)} aria-describedby="camp-daily-help" /><span id="camp-daily-help" className="muted hint">{cur} per budget day.</span></div>
      <div className="field narrow"><label htmlFor="camp-total">Total budget</label><input id="camp-total" type="number" min={0} step="any" value={total} onChange={(e) => setTotal(e.target.value)} aria-describedby="camp-total-help" /><span id="camp-total-help" className="muted hint">{cur}, optional; pauses it once spent.</span></div>
      <div className="field">
        <label htmlFor="camp-pacing">Pacing</label>
        <select id="camp-pacing" value={pacing} onChange={(e) => setPacing(e.target.value)}>
          <option value="even">even: spread over the day</option>
          <option value="asap">asap: as fast as auctions allow</option>
        </select>
      </div>
      <div className="field submit check">
        <label><input type="checkbox" checked={paused} onChange={(e) => setPaused(e.target.checked)} /> Create it paused</label>
      </div>
      <div className="field submit"><button type="submit" disabled={action.busy}>{action.busy ? 'Creating…' : 'Create campaign'}</button></div>
      <div className="form-feedback">
        <ErrorBox error={action.error} onDismiss={action.clear} />
        <p role="status" aria-live="polite" className="muted">{done}</p>
      </div>
    </form>
  );
}
