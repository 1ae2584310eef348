import { useState } from 'react';
import { projectPath } from '../../api/client';
import { useApi } from '../../api/use-api';
import { useProject } from '../../shell/project';
import { Page } from '../../ui/page';
import './automation.css';
import { DeadLettersPanel } from './dead-letters-panel';
import { TriggersPanel } from './triggers-panel';
import type { Trigger } from './types';

/** Triggers (what fires, when next, what happened last) with pause and resume; deliveries and dead letters with Replay. */
export default function TriggersPage() {
  const project = useProject();
  const triggers = useApi<{ triggers: Trigger[] }>(`${projectPath(project, 'triggers')}?pageSize=200`);
  // Bumped after a change, so each trigger's last delivery is read again.
  const [version, setVersion] = useState(0);
  const changed = () => {
    triggers.reload();
    setVersion((v) => v + 1);
  };
  return (
    <Page title="Triggers" actions={<button type="button" className="secondary" onClick={changed}>Refresh</button>}>
      <div className="automation">
        <TriggersPanel list={triggers} version={version} onChanged={changed} />
        <DeadLettersPanel triggers={triggers.data?.triggers ?? []} version={version} onChanged={changed} />
      </div>
    </Page>
  );
}
