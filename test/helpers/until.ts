/**
 * Polls `fn` until it returns something other than undefined, and fails with
 * `timed out waiting for <what>` at the deadline: tests wait for a state, never
 * for a fixed time.
 *
 * @example
 * const op = await until('the deploy', async () => ((await getOp()).done ? op : undefined));
 */
export async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, ms = 20_000, everyMs = 20): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
