import { useEffect, useState } from 'react';
import { api, listAll, projectPath } from '../../api/client';
import type { Advertiser, SponsoredItem } from './types';

/**
 * Which advertiser runs each sponsored item's campaign. `:recommend` names
 * the campaign only; an advertiser promotes its own brand's products, so the
 * advertisers of the item's brand are asked first (one GET per candidate
 * until one holds the campaign), then the others. A key that may not read
 * advertisers gets no links, never an error.
 */
export function useCampaignOwners(project: string, sponsored: SponsoredItem[] | undefined): ReadonlyMap<string, string> {
  const [owners, setOwners] = useState<ReadonlyMap<string, string>>(new Map());
  const key = (sponsored ?? []).map((s) => `${s.campaignId}|${s.brand ?? ''}`).join(',');
  useEffect(() => {
    const wanted = (sponsored ?? []).filter((s) => !owners.has(s.campaignId));
    if (wanted.length === 0) return;
    let live = true;
    (async () => {
      const advertisers = await listAll<Advertiser>(`${projectPath(project, 'advertisers')}?pageSize=200`, 'advertisers');
      const found = new Map(owners);
      for (const s of wanted) {
        if (found.has(s.campaignId)) continue;
        const candidates = [...advertisers].sort((a, b) => Number(b.brand === s.brand) - Number(a.brand === s.brand));
        for (const a of candidates) {
          const ok = await api('GET', projectPath(project, 'advertisers', encodeURIComponent(a.advertiserId), 'campaigns', encodeURIComponent(s.campaignId))).then(() => true, () => false);
          if (ok) {
            found.set(s.campaignId, a.advertiserId);
            break;
          }
        }
      }
      if (live) setOwners(found);
    })().catch(() => undefined);
    return () => { live = false; };
  }, [project, key]);
  return owners;
}
