import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import sharp from 'sharp';
import { createScheduler, createWorker, PSM, type Scheduler } from 'tesseract.js';
import { isWord } from './text-flags.js';

const require = createRequire(import.meta.url);
/** The English model ships in an npm package: point tesseract.js at it, or it downloads one. */
const ENG = require('@tesseract.js-data/eng') as { langPath: string };
/** A pool with no work for this long is shut down; the next image starts it again (about 0.6 s). */
const IDLE_MS = 60_000;

/** What a picture says, as OCR reads it. */
export interface ReadText {
  text: string;
  /** Tesseract's mean confidence over the words (specks left out), 0 to 100. */
  confidence: number;
}

/**
 * OCR with tesseract.js on a pool of workers, one per core (each a worker
 * thread), started on first use and stopped when idle. The image is read in
 * greyscale with its contrast stretched, which brings out light watermarks.
 */
export class TextReader {
  private scheduler: Promise<Scheduler> | undefined;
  private idle: NodeJS.Timeout | undefined;
  private busy = 0;

  constructor(private readonly workers = Math.max(1, Math.min(availableParallelism(), 4))) {}

  /** Reads a picture as it is stored: greyscale, contrast stretched, at most 1000 px. */
  async read(bytes: Buffer): Promise<ReadText> {
    const input = await sharp(bytes, { limitInputPixels: false, pages: 1 }).flatten({ background: '#ffffff' }).resize(1000, 1000, { fit: 'inside', withoutEnlargement: true }).greyscale().normalise().png().toBuffer();
    return this.recognize(input);
  }

  /** Reads a picture already prepared for OCR (dark text on white, such as faintMarks draws), on the same pool. */
  async recognize(input: Buffer): Promise<ReadText> {
    this.busy++;
    clearTimeout(this.idle);
    try {
      const scheduler = await this.pool();
      const { data } = await scheduler.addJob('recognize', input, {}, { text: true, blocks: true });
      // Tesseract's page confidence averages in the specks it read as "~" or "<" beside a word: a clear word would fall under the bar.
      const words = (data.blocks ?? []).flatMap((b) => b.paragraphs.flatMap((p) => p.lines.flatMap((l) => l.words))).filter((w) => isWord(w.text));
      const confidence = words.length ? words.reduce((sum, w) => sum + w.confidence, 0) / words.length : data.confidence;
      return { text: data.text.trim(), confidence };
    } finally {
      if (--this.busy === 0) {
        this.idle = setTimeout(() => void this.close(), IDLE_MS);
        this.idle.unref();
      }
    }
  }

  async close(): Promise<void> {
    clearTimeout(this.idle);
    const s = this.scheduler;
    this.scheduler = undefined;
    // A pool that never started has nothing to stop; the idle timer calls this unawaited, so it must not reject.
    if (s) await s.then((scheduler) => scheduler.terminate(), () => undefined);
  }

  private pool(): Promise<Scheduler> {
    this.scheduler ??= (async () => {
      const scheduler = createScheduler();
      const workers = await Promise.all(Array.from({ length: this.workers }, async () => {
        const w = await createWorker('eng', 1, { langPath: ENG.langPath, gzip: true, cacheMethod: 'none' });
        // Packshots carry no useful resolution metadata; without this Tesseract warns about each one's.
        // Sparse text: words scattered over a picture (a banner, a stamp), not a page of lines.
        await w.setParameters({ user_defined_dpi: '300', tessedit_pageseg_mode: PSM.SPARSE_TEXT });
        return w;
      }));
      for (const w of workers) scheduler.addWorker(w);
      return scheduler;
    })();
    // A pool that failed to start is forgotten, so the next image tries again.
    const started = this.scheduler;
    started.catch(() => {
      if (this.scheduler === started) this.scheduler = undefined;
    });
    return started;
  }
}
