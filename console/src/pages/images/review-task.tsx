import { useEffect, useRef } from 'react';
import { percent } from '../../ui/format';
import type { ShownImage } from './task-image';
import { type Decision, proposedClass, type ReviewTask } from './review-types';

/**
 * One review task: the image, the item, the proposed class with its
 * confidence, the other proposed tags, and the decisions as buttons that
 * name their keys. Focus goes to the task when it appears (not to a button:
 * Enter on a focused button would press it instead of accepting).
 */
export function ReviewTaskView({ task, image, busy, onDecide, onSkip }: {
  task: ReviewTask;
  image: ShownImage | undefined;
  busy: boolean;
  onDecide: (decision: Decision, label?: string) => void;
  onSkip: () => void;
}) {
  const region = useRef<HTMLElement>(null);
  useEffect(() => {
    // Only when focus is not somewhere the user put it (the menu, the project picker).
    const active = document.activeElement;
    if (!active || active === document.body || active.id === 'page-title' || region.current?.contains(active)) region.current?.focus({ preventScroll: true });
  }, [task.id]);
  const cls = proposedClass(task);
  const title = task.itemTitle ?? `Item ${task.itemId}`;
  const others = task.proposedTags.filter((t) => t.name !== 'product_class');
  return (
    <section ref={region} className="panel review-task" tabIndex={-1} aria-labelledby="task-title" data-task-id={task.id}>
      <div className="review-grid">
        <figure className="review-figure">
          {image && 'url' in image
            ? <img src={image.url} alt={`Image of ${title}`} className="review-image" />
            : <div className="review-image placeholder" role="img" aria-label={image ? `The image of ${title} could not be loaded` : `Loading the image of ${title}`}>
                {image && 'error' in image ? <span>The image could not be loaded: {image.error.message} Skip it with S.</span> : <span>Loading image…</span>}
              </div>}
          <figcaption className="muted">Item <code>{task.itemId}</code></figcaption>
        </figure>
        <div className="review-side">
          <h2 id="task-title">{title}</h2>
          <p className={task.kind === 'audit' ? 'review-kind audit' : 'review-kind'}>
            {task.kind === 'audit'
              ? <><strong>Audit:</strong> this tag was accepted automatically; a sample is checked so its precision is measured, not assumed.</>
              : <><strong>Uncertain:</strong> the model was not confident enough to tag this item on its own.</>}
          </p>
          <p className="review-proposal" id="proposal">
            <span className="muted">Proposed class</span>{' '}
            <strong className="proposed-class">{cls ? cls.value : '(none proposed)'}</strong>
            {cls?.confidence !== undefined ? <>{' '}<span className="confidence">{percent(cls.confidence, 0)} confident</span></> : null}
          </p>
          {others.length > 0
            ? <ul className="review-others">{others.map((t) => <li key={t.name}>{t.name}: {t.value}{t.confidence !== undefined ? ` (${percent(t.confidence, 0)})` : ''}</li>)}</ul>
            : null}
          <div className="actions review-actions">
            <button type="button" disabled={busy} onClick={() => onDecide('accept')} aria-describedby="proposal">Accept <kbd>Enter</kbd></button>
            <button type="button" className="secondary" disabled={busy} onClick={() => onDecide('reject')}>Reject <kbd>R</kbd></button>
            <button type="button" className="secondary" disabled={busy} onClick={onSkip}>Skip <kbd>S</kbd></button>
          </div>
          <fieldset className="review-choices">
            <legend>Correct the product class to</legend>
            <div className="actions">
              {task.choices.map((c, n) => (
                <button key={c.label} type="button" className="secondary" disabled={busy} data-choice={c.label}
                  title={`${c.productType} (Google category ${c.googleProductCategory})`} onClick={() => onDecide('correct', c.label)}>
                  {n < 9 ? <><kbd>{n + 1}</kbd> </> : null}{c.label}{cls?.value === c.label ? <span className="muted"> (proposed)</span> : null}
                </button>
              ))}
            </div>
          </fieldset>
        </div>
      </div>
    </section>
  );
}
