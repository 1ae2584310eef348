import { useState } from 'react';
import { useProject } from '../../shell/project';
import { Page, Panel } from '../../ui/page';
import { ExclusionReport } from './exclusion-report';
import type { FeedFormat } from './feed-parse';
import { FeedPreview } from './feed-preview';
import { FeedSettings } from './feed-settings';
import './images.css';

/** The files Rouge serves to the channels (src/tagging/feeds/formats.ts). */
const FILES: Array<{ file: string; feed: 'google' | 'meta'; format: FeedFormat; label: string }> = [
  { file: 'google.tsv', feed: 'google', format: 'tsv', label: 'Merchant Center TSV' },
  { file: 'google.xml', feed: 'google', format: 'xml', label: 'Merchant Center XML (RSS)' },
  { file: 'meta.csv', feed: 'meta', format: 'csv', label: 'Meta CSV' },
];
const CHANNEL = { google: 'Google Merchant Center', meta: 'Meta Commerce Manager' } as const;

/**
 * The feeds for the channels: the custom-label mapping, a preview of a feed
 * file as the channel fetches it, and the products its feed leaves out, by
 * reason.
 */
export default function FeedsPage() {
  const project = useProject();
  const [file, setFile] = useState(FILES[0]!);
  return (
    <Page title="Feeds">
      <fieldset className="img-choice-row">
        <legend>Feed file</legend>
        {FILES.map((f) => (
          <label key={f.file}>
            <input type="radio" name="feed-file" value={f.file} checked={file.file === f.file} onChange={() => setFile(f)} />
            {f.label} <code>{f.file}</code>
          </label>
        ))}
      </fieldset>
      <Panel title="Preview">
        <p className="muted">What {CHANNEL[file.feed]} fetches from <code>/v1/projects/{project}/feeds/{file.file}</code> (with a feed token: <code>rouge feeds tokens create {file.feed}</code>).</p>
        <FeedPreview project={project} file={file.file} format={file.format} />
      </Panel>
      <Panel title={`Exclusion report: ${CHANNEL[file.feed]}`}>
        <ExclusionReport project={project} feed={file.feed} />
      </Panel>
      <Panel title="Custom labels">
        <FeedSettings project={project} />
      </Panel>
    </Page>
  );
}
