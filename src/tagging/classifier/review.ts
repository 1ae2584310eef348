import type { ItemTagRow } from '../tables.js';
import * as errors from '../errors.js';
import { productTags } from './decide.js';
import type { ReviewStore } from './review-store.js';
import type { ReviewTaskRow } from './tables.js';
import type { ClassMapping } from './taxonomy.js';

export type Decision = 'accept' | 'correct' | 'reject';

/**
 * A reviewer's decision on a task: `accept` keeps the proposed product type,
 * `correct` sets another of the version's classes (given as a
 * `product_class` tag), `reject` says the proposal is wrong without saying
 * what is right. Accepted and corrected tags go on the item with source
 * `review`, and become training data for the next tagger.
 */
export async function resolveTask(store: ReviewStore, task: ReviewTaskRow, body: { decision: Decision; tags?: Array<{ name: string; value: string }> }, by: string): Promise<ItemTagRow[]> {
  if (task.state !== 'pending') throw errors.REVIEW_TASK_RESOLVED({ task: task.id, decision: task.decision ?? '', by: task.resolved_by ?? '' });
  const choices = JSON.parse(task.choices) as ClassMapping[];
  let mapping: ClassMapping | undefined;
  if (body.decision === 'accept') {
    if (body.tags?.length) throw errors.REVIEW_DECISION_INVALID({ why: 'accept takes no tags (it keeps the proposed ones); to change them, decide correct' });
    const proposed = (JSON.parse(task.proposed) as Array<{ name: string; value: string }>).find((t) => t.name === 'product_class')?.value;
    mapping = choices.find((c) => c.label === proposed);
  } else if (body.decision === 'correct') {
    const given = body.tags ?? [];
    const other = given.find((t) => t.name !== 'product_class');
    if (other) throw errors.REVIEW_DECISION_INVALID({ why: `tag ${other.name} cannot be set by review; give the product_class, and google_product_category and product_type follow from it` });
    const label = given.find((t) => t.name === 'product_class')?.value;
    if (!label) throw errors.REVIEW_DECISION_INVALID({ why: `correct needs tags: [{"name": "product_class", "value": one of ${choices.map((c) => JSON.stringify(c.label)).join(', ')}]` });
    mapping = choices.find((c) => c.label === label);
    if (!mapping) throw errors.REVIEW_DECISION_INVALID({ why: `product_class ${JSON.stringify(label)} is not a class of this tagger (${choices.map((c) => c.label).join(', ')})` });
  } else if (body.tags?.length) {
    throw errors.REVIEW_DECISION_INVALID({ why: 'reject takes no tags; to give the right product type, decide correct' });
  }
  const now = new Date().toISOString();
  const tags: ItemTagRow[] = mapping
    ? productTags(mapping).map((t) => ({ project: task.project, item: task.item, source: 'review', name: t.name, value: t.value, confidence: null, run: task.run, update_time: now }))
    : [];
  if (!(await store.resolve(task, body.decision, by, tags))) {
    const now2 = await store.get(task.project, task.id);
    // Gone: a later run found the item's image changed, and replaced the task.
    if (!now2) throw errors.REVIEW_TASK_NOT_FOUND({ task: `projects/${task.project}/tagging/reviewTasks/${task.id}` });
    throw errors.REVIEW_TASK_RESOLVED({ task: task.id, decision: now2.decision ?? '', by: now2.resolved_by ?? '' });
  }
  return tags;
}
