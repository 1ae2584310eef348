import { Readable } from 'node:stream';
import { monotonicFactory } from 'ulid';
import type { BlobStore } from '../platform/index.js';
import type { ServingMetrics } from './serving-metrics.js';

/** One sampled pair, one JSONL line (schema documented in docs/serving.md). */
export interface RequestLogEntry {
  time: string;
  requestId: string;
  endpoint: string;
  deployedModelId: string;
  modelVersionId: string;
  protocol: 'vertex' | 'oip';
  latencyMs: number;
  request: unknown;
  response: unknown;
}

const MAX_BUFFERED = 10_000;

/**
 * Vertex's request-response logging: a sampled pair is appended to an in-memory
 * buffer (never awaited by the request) and flushed in the background to
 * `requestLogs/{project}/{endpoint}/dt=YYYY-MM-DD/{ulid}.jsonl`. When the buffer
 * is full a pair is dropped and counted rather than slowing the request path.
 */
export class RequestLogger {
  private buffer: Array<{ project: string; endpoint: string; entry: RequestLogEntry }> = [];
  private readonly timer: NodeJS.Timeout;
  private readonly nextId = monotonicFactory();
  private flushing: Promise<void> | undefined;

  constructor(private readonly blobs: BlobStore, private readonly metrics: ServingMetrics, flushMs = 5000) {
    this.timer = setInterval(() => void this.flush(), flushMs);
    this.timer.unref();
  }

  /** Samples at `rate`; the entry is built only when sampled, so an unsampled request costs one random number. */
  record(rate: number, project: string, endpoint: string, build: () => RequestLogEntry): void {
    if (rate <= 0 || Math.random() >= rate) return;
    if (this.buffer.length >= MAX_BUFFERED) {
      this.metrics.logsDropped.labels(`${project}.${endpoint}`).inc();
      return;
    }
    this.buffer.push({ project, endpoint, entry: build() });
  }

  /** Writes what is buffered, one object per endpoint and day. */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    this.flushing = this.write().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async write(): Promise<void> {
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    const groups = new Map<string, string[]>();
    for (const { project, endpoint, entry } of batch) {
      const key = `requestLogs/${project}/${endpoint}/dt=${entry.time.slice(0, 10)}`;
      let lines = groups.get(key);
      if (!lines) groups.set(key, (lines = []));
      lines.push(JSON.stringify(entry));
    }
    for (const [prefix, lines] of groups) {
      await this.blobs.put(`${prefix}/${this.nextId()}.jsonl`, Readable.from([`${lines.join('\n')}\n`])).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
