/** How long synchronous indexing may hold the event loop before other work gets a turn. */
const SLICE_MS = 10;

/**
 * Paces a long synchronous job (indexing 100,000 items takes seconds) so it
 * runs in slices: requests such as /readyz and event writes are served in
 * between, waiting at most a slice. Check `due()` per unit of work, which is
 * cheap, and `await pause()` only when it says so: awaiting on every item
 * would cost a promise each. A pause is a macrotask (setImmediate), because
 * resolved promises alone never let timers or I/O run.
 */
export class Pacer {
  private start = performance.now();
  constructor(private readonly sliceMs = SLICE_MS) {}

  /** Whether the current slice is used up. */
  due(): boolean {
    return performance.now() - this.start >= this.sliceMs;
  }

  /** Lets the event loop run everything waiting, then starts a new slice. */
  async pause(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.start = performance.now();
  }
}
