import { projectPath } from '../../api/client';
import { useApi } from '../../api/use-api';
import { ErrorBox } from '../../ui/error-box';
import { Loading } from '../../ui/status';
import { TableWrap } from '../../ui/table-wrap';

/** Which item tag each custom_label_0..4 carries (GET .../feedSettings), and how to change it. */
export function FeedSettings({ project }: { project: string }) {
  const { data, error } = useApi<{ name: string; customLabels: Array<string | null> }>(projectPath(project, 'feedSettings'));
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading what="Loading the feed settings…" />;
  return (
    <>
      <TableWrap label="Custom labels">
        <table>
          <caption className="visually-hidden">Custom labels</caption>
          <thead><tr><th scope="col">Feed column</th><th scope="col">Carries the tag</th></tr></thead>
          <tbody>
            {data.customLabels.map((tag, i) => (
              <tr key={i}><th scope="row"><code>custom_label_{i}</code></th><td>{tag ? <code>{tag}</code> : <span className="muted">nothing (empty)</span>}</td></tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      <p className="muted">A campaign can bid on these labels. Change them with <code>rouge feeds labels set colour_family image_quality background - - --project {project}</code>; a tag with over 1,000 values is refused.</p>
    </>
  );
}
