import { useEffect, useState } from 'react';
import { listAll, projectPath } from '../../api/client';
import type { ApiError } from '../../api/errors';
import type { Advertiser, Campaign } from './types';

/** How many advertisers' campaign lists load at once, so a big project does not fire hundreds of calls together. */
const PARALLEL = 4;

/**
 * Every advertiser's campaigns (for their spend today), by advertiser id.
 * An advertiser whose campaigns cannot be read is left out and its error kept.
 */
export function useAdvertiserCampaigns(project: string, advertisers: Advertiser[] | undefined): { byAdvertiser: ReadonlyMap<string, Campaign[]> | undefined; error: ApiError | undefined } {
  const [byAdvertiser, setBy] = useState<ReadonlyMap<string, Campaign[]>>();
  const [error, setError] = useState<ApiError>();
  useEffect(() => {
    if (!advertisers) return;
    let live = true;
    (async () => {
      const out = new Map<string, Campaign[]>();
      let firstError: ApiError | undefined;
      for (let i = 0; i < advertisers.length; i += PARALLEL) {
        await Promise.all(advertisers.slice(i, i + PARALLEL).map(async (a) => {
          try {
            out.set(a.advertiserId, await listAll<Campaign>(`${projectPath(project, 'advertisers', encodeURIComponent(a.advertiserId), 'campaigns')}?pageSize=200`, 'campaigns'));
          } catch (e) {
            firstError ??= e as ApiError;
          }
        }));
      }
      if (live) {
        setBy(out);
        setError(firstError);
      }
    })();
    return () => { live = false; };
  }, [project, advertisers]);
  return { byAdvertiser, error };
}
