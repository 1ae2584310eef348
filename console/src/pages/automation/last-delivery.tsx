import { useEffect } from 'react';
import { Link } from 'wouter';
import { projectPath } from '../../api/client';
import { useApi } from '../../api/use-api';
import { leaf, when } from '../../ui/format';
import { Badge } from './state-badge';
import type { Delivery } from './types';

/** A trigger's latest firing (the API's newest delivery of it): its state, time and run. */
export function LastDelivery({ project, trigger, version }: { project: string; trigger: string; version: number }) {
  const { data, error, reload } = useApi<{ deliveries: Delivery[] }>(`${projectPath(project, 'triggerDeliveries')}?trigger=${encodeURIComponent(trigger)}&pageSize=1`);
  // The page bumps `version` after a change (a replay, a refresh), so each row reads its latest firing again.
  useEffect(() => {
    if (version) reload();
  }, [version, reload]);
  if (error) return <span className="muted">unreadable: {error.message}</span>;
  if (!data) return <span className="muted">…</span>;
  const d = data.deliveries[0];
  if (!d) return <span className="muted">never fired</span>;
  return (
    <span className="stack">
      <Badge state={d.state} /> <span>{when(d.scheduledTime ?? d.createTime)}</span>
      {d.state === 'DELIVERED' ? <Link href={`/pipelines/runs/${encodeURIComponent(leaf(d.run))}`}>its run</Link> : null}
    </span>
  );
}
