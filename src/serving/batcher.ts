import * as ort from 'onnxruntime-node';
import { float16Tensor, size } from './tensors.js';

type Feeds = Record<string, ort.Tensor>;
type Outputs = Record<string, ort.Tensor>;

interface Pending {
  feeds: Feeds;
  rows: number;
  resolve: (o: Outputs) => void;
  reject: (e: unknown) => void;
}

export interface BatchingOptions {
  maxBatchSize: number;
  maxLatencyMs: number;
}

/** Observes the size of each batch the runtime runs (for the batch-size histogram). */
export type BatchObserver = (rows: number) => void;

function concat(type: ort.Tensor.Type, parts: ort.Tensor[], rows: number): ort.Tensor {
  const rowDims = parts[0]!.dims.slice(1);
  const dims = [rows, ...rowDims];
  if (type === 'string') return new ort.Tensor('string', parts.flatMap((p) => p.data as string[]), dims);
  if (type === 'float16') {
    // As bit patterns, whichever array a part holds: see float16Tensor.
    const bits = new Uint16Array(size(dims));
    let at = 0;
    for (const p of parts) {
      const d = p.data as unknown as ArrayBufferView & ArrayLike<number>;
      bits.set(d instanceof Uint16Array ? d : new Uint16Array(d.buffer, d.byteOffset, d.length), at);
      at += d.length;
    }
    return float16Tensor(bits, dims);
  }
  const first = parts[0]!.data as unknown as { constructor: new (n: number) => { set(a: ArrayLike<unknown>, o: number): void } };
  const out = new first.constructor(size(dims));
  let offset = 0;
  for (const p of parts) {
    out.set(p.data as ArrayLike<unknown>, offset);
    offset += (p.data as ArrayLike<unknown>).length;
  }
  return new ort.Tensor(type, out as never, dims);
}

function slice(t: ort.Tensor, start: number, rows: number): ort.Tensor {
  const rowSize = size(t.dims.slice(1));
  const data = t.data as unknown as { subarray?: (a: number, b: number) => unknown; slice: (a: number, b: number) => unknown };
  const part = data.subarray ? data.subarray(start * rowSize, (start + rows) * rowSize) : data.slice(start * rowSize, (start + rows) * rowSize);
  return new ort.Tensor(t.type, part as never, [rows, ...t.dims.slice(1)]);
}

/**
 * Dynamic batching (Triton's `dynamic_batching`, KServe's batcher): requests
 * arriving within `maxLatencyMs` of the first are merged along the batch
 * dimension, up to `maxBatchSize` rows, run once, and split back so each caller
 * gets exactly its own rows. A request larger than the limit runs on its own.
 */
export class Batcher {
  private queue: Pending[] = [];
  private rows = 0;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;

  constructor(
    private readonly run: (feeds: Feeds) => Promise<Outputs>,
    private readonly options: BatchingOptions,
    private readonly observe: BatchObserver = () => undefined,
  ) {}

  submit(feeds: Feeds, rows: number): Promise<Outputs> {
    return new Promise<Outputs>((resolve, reject) => {
      this.queue.push({ feeds, rows, resolve, reject });
      this.rows += rows;
      if (this.rows >= this.options.maxBatchSize) this.flush();
      else this.arm();
    });
  }

  /**
   * Schedules the flush of what is queued. With maxLatencyMs 0 that is the end
   * of this turn of the event loop (setImmediate runs after every socket read
   * in it): requests that arrived together are merged and none waits for a
   * timer, as Triton's dynamic batcher does with no queue delay.
   */
  private arm(): void {
    if (this.timer || this.immediate) return;
    if (this.options.maxLatencyMs <= 0) this.immediate = setImmediate(() => this.flush());
    else this.timer = setTimeout(() => this.flush(), this.options.maxLatencyMs);
  }

  private flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.immediate) {
      clearImmediate(this.immediate);
      this.immediate = undefined;
    }
    while (this.queue.length > 0) {
      const batch: Pending[] = [];
      let rows = 0;
      while (this.queue.length > 0 && (batch.length === 0 || rows + this.queue[0]!.rows <= this.options.maxBatchSize)) {
        const p = this.queue.shift()!;
        rows += p.rows;
        batch.push(p);
      }
      this.rows -= rows;
      void this.runBatch(batch, rows);
      // Whatever is left is under the limit only if the loop stopped on size: keep it for the next window.
      if (this.rows < this.options.maxBatchSize && this.queue.length > 0) {
        this.arm();
        break;
      }
    }
  }

  private async runBatch(batch: Pending[], rows: number): Promise<void> {
    this.observe(rows);
    try {
      if (batch.length === 1) {
        batch[0]!.resolve(await this.run(batch[0]!.feeds));
        return;
      }
      const feeds: Feeds = {};
      for (const name of Object.keys(batch[0]!.feeds)) {
        const parts = batch.map((p) => p.feeds[name]!);
        feeds[name] = concat(parts[0]!.type, parts, rows);
      }
      const outputs = await this.run(feeds);
      let start = 0;
      for (const p of batch) {
        const mine: Outputs = {};
        for (const [name, t] of Object.entries(outputs)) mine[name] = slice(t, start, p.rows);
        start += p.rows;
        p.resolve(mine);
      }
    } catch (e) {
      for (const p of batch) p.reject(e);
    }
  }
}
