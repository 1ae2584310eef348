import { useProject } from '../../shell/project';
import { ErrorBox } from '../../ui/error-box';
import { Page, Panel } from '../../ui/page';
import { Empty, Loading } from '../../ui/status';
import { ReviewKeysHelp } from './review-keys-help';
import { useReviewKeys } from './review-keys';
import { useReviewQueue } from './review-queue';
import { ReviewTaskView } from './review-task';
import { useTaskImage } from './task-image';
import './images.css';

/**
 * The review queue, keyboard first (as labelling tools are): one pending
 * task at a time, decided with one key or its button; the replica of the
 * standalone GET /review page inside the console.
 */
export default function ReviewPage() {
  const project = useProject();
  const q = useReviewQueue(project);
  const image = useTaskImage(q.current, q.upcoming);
  useReviewKeys(q.status === 'ready', {
    accept: () => q.decide('accept'),
    reject: () => q.decide('reject'),
    skip: q.skip,
    correct: (i) => {
      const choice = q.current?.choices[i];
      if (choice) q.decide('correct', choice.label);
    },
  });
  const count = q.status === 'ready'
    ? `${q.left} ${q.left === 1 ? 'task' : 'tasks'} left in this batch${q.more ? ' (more after it)' : ''}`
    : q.status === 'done' ? 'No pending tasks' : '';
  return (
    <Page title="Tag review" actions={<span className="queue-count">{count}{count ? ' · ' : ''}{q.decided} decided this session</span>}>
      <p className="review-note" role="status" aria-live="polite">{q.note}</p>
      <ErrorBox error={q.error} />
      {q.status === 'loading' ? <Loading what="Loading the review queue…" /> : null}
      {q.status === 'failed' ? <button type="button" onClick={q.restart}>Try again</button> : null}
      {q.status === 'ready' && q.current
        ? <ReviewTaskView task={q.current} image={image} busy={q.busy} onDecide={q.decide} onSkip={q.skip} />
        : null}
      {q.status === 'done' ? (
        <Empty>
          <p><strong>No pending tasks.</strong> You made {q.decided} {q.decided === 1 ? 'decision' : 'decisions'} this session.</p>
          <p>A tagging run with a tagger queues what it is unsure of here, and a sample of what it accepted:
            {' '}<code>rouge tags run --project {project}</code> (train one first with <code>rouge tags train</code>).</p>
          <button type="button" onClick={q.restart}>Check again</button>
        </Empty>
      ) : null}
      <Panel title="Keyboard shortcuts"><ReviewKeysHelp /></Panel>
    </Page>
  );
}
