import type { Jobs } from '../platform/index.js';

/** Waits for one of the demo's Operations (a training run, a deploy); throws with `what` when it failed. */
export async function waitFor(jobs: Jobs, project: string, name: string, what: string): Promise<void> {
  const id = name.split('/').pop()!;
  for (;;) {
    const op = await jobs.get(project, id);
    if (op.done) {
      if (op.error) throw new Error(`${what} failed: ${op.error.message}`);
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
