/** A review task as GET .../tagging/reviewTasks answers it (src/tagging/classifier/schemas.ts, Task). */
export interface ReviewTask {
  name: string;
  id: string;
  itemId: string;
  itemTitle?: string;
  runId: string;
  kind: 'uncertain' | 'audit' | string;
  state: 'pending' | 'resolved' | string;
  /** A same-origin API path: the image is fetched with the key, never put in an <img src> directly. */
  imageUri: string;
  modelVersion: string;
  proposedTags: Array<{ name: string; value: string; confidence?: number }>;
  choices: Array<{ label: string; googleProductCategory: string; productType: string }>;
  decision?: string;
  resolvedBy?: string;
}

export interface ReviewTaskPage {
  reviewTasks: ReviewTask[];
  nextPageToken?: string;
}

export type Decision = 'accept' | 'correct' | 'reject';

/** The proposed product class, the tag a decision is about. */
export function proposedClass(task: ReviewTask): { value: string; confidence?: number } | undefined {
  return task.proposedTags.find((t) => t.name === 'product_class');
}

/** How a task is named to people: its title and item id, or the id alone. */
export function taskLabel(task: ReviewTask): string {
  return task.itemTitle ? `${task.itemTitle} (item ${task.itemId})` : `item ${task.itemId}`;
}
