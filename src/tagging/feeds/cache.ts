import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { CATALOG_CHANNEL } from '../../catalog/index.js';
import type { BlobStore, Cache } from '../../platform/index.js';

/** Signalled when a project's tags or feed settings change: every process drops its cached feeds. */
export const FEEDS_CHANNEL = 'rouge.feeds.changes';

/**
 * Rendered feeds, kept in the blob store until the catalogue, the tags or the
 * feed settings of their project change (signals from every process). A feed
 * of 100,000 items is rendered once, streamed into the blob store, and every
 * channel fetch streams it back out; nothing holds it in memory.
 */
export class FeedCache {
  private readonly generation = new Map<string, number>();
  private readonly entries = new Map<string, { generation: number; key: string; ready: Promise<void> }>();
  private readonly process = randomBytes(4).toString('hex');
  private unsubscribe: Array<() => Promise<void>> = [];

  constructor(private readonly blobs: BlobStore, private readonly signals: Cache) {}

  async start(): Promise<void> {
    const bump = (message: string) => {
      const { project } = JSON.parse(message) as { project: string };
      this.generation.set(project, (this.generation.get(project) ?? 0) + 1);
    };
    this.unsubscribe = [await this.signals.subscribe(CATALOG_CHANNEL, bump), await this.signals.subscribe(FEEDS_CHANNEL, bump)];
  }

  async close(): Promise<void> {
    await Promise.all(this.unsubscribe.map((u) => u()));
  }

  /** Tells every process the project's feeds are stale. */
  async changed(project: string): Promise<void> {
    await this.signals.publish(FEEDS_CHANNEL, JSON.stringify({ project }));
  }

  /** The current rendering of a file as a stream, rendering it first when stale. */
  async open(project: string, file: string, render: () => AsyncIterable<string>): Promise<Readable> {
    const id = `${project}/${file}`;
    const generation = this.generation.get(project) ?? 0;
    let entry = this.entries.get(id);
    if (!entry || entry.generation !== generation) {
      const old = entry;
      const key = `feeds/${project}/${file}.${this.process}.${generation}`;
      entry = { generation, key, ready: this.blobs.put(key, Readable.from(render())).then(() => undefined) };
      this.entries.set(id, entry);
      entry.ready.catch(() => this.entries.get(id) === entry && this.entries.delete(id));
      if (old) void old.ready.then(() => this.blobs.delete(old.key)).catch(() => undefined);
    }
    await entry.ready;
    return (await this.blobs.get(entry.key)).body;
  }
}
