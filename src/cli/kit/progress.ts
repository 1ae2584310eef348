import { sanitize } from './output.js';

/**
 * Progress on stderr. On a terminal one line is redrawn in place; in a pipe or
 * a log file, redrawing would only leave noise, so a byte transfer prints one
 * line when it ends and a status prints a line only when it changes.
 */

/** Where progress is written: process.stderr, or a stand-in in tests. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

/** 1234567 -> "1.2 MB": decimal units, as transfer rates are quoted. */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = -1;
  do {
    v /= 1000;
    i++;
  } while (v >= 1000 && i < units.length - 1);
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[i]}`;
}

/** Bytes per second as "12.3 MB/s" (or kB/s, B/s for slow or tiny transfers). */
export function formatRate(bytes: number, seconds: number): string {
  return `${formatBytes(seconds > 0 ? Math.round(bytes / seconds) : 0)}/s`;
}

/** `[#########---------------]` for a fraction from 0 to 1. */
export function bar(fraction: number, width = 24): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

/** Fits a line to the terminal, so `\r` redraws the same row rather than a wrapped one. */
function fit(line: string, out: ProgressStream): string {
  const cols = out.columns && out.columns > 10 ? out.columns - 1 : 200;
  return line.length > cols ? `${line.slice(0, cols - 1)}…` : line;
}

export interface ByteProgress {
  /** Counts bytes that went through. */
  advance(bytes: number): void;
  /** The transfer finished: draws the final state and ends the line (or prints the summary line). */
  done(): void;
  /** The transfer failed: ends a drawn line so the error starts on its own row; prints no summary. */
  fail(): void;
}

export interface ByteProgressOptions {
  /** Shown while running, such as "uploading ctr"; capitalised with `past` in the summary. */
  active: string;
  /** The summary's verb, such as "Uploaded"; no summary when undefined (hashing says nothing in a pipe). */
  past?: string;
  total: number;
  out?: ProgressStream;
  /** Milliseconds; a clock of the test's choosing. */
  now?: () => number;
  /** Least time between two redraws. */
  redrawMs?: number;
}

/**
 * A byte-transfer progress bar: `uploading ctr [####----] 45%  5.20 MB / 11.5 MB  3.1 MB/s`,
 * redrawn at most every 100 ms on a terminal; elsewhere one line at the end,
 * `Uploaded 11.5 MB in 2.1 s (5.4 MB/s)`.
 */
export function byteProgress(opts: ByteProgressOptions): ByteProgress {
  const out = opts.out ?? process.stderr;
  const now = opts.now ?? (() => performance.now());
  const redrawMs = opts.redrawMs ?? 100;
  const tty = out.isTTY === true;
  const start = now();
  let bytes = 0;
  let lastDraw = -Infinity;
  let drawn = false;
  let ended = false;

  const seconds = () => (now() - start) / 1000;
  const draw = () => {
    const pct = opts.total > 0 ? Math.floor((bytes / opts.total) * 100) : 100;
    const line = `${opts.active} ${bar(opts.total > 0 ? bytes / opts.total : 1)} ${String(pct).padStart(3)}%  ${formatBytes(bytes)} / ${formatBytes(opts.total)}  ${formatRate(bytes, seconds())}`;
    out.write(`\r${fit(sanitize(line), out)}\u001b[K`);
    drawn = true;
    lastDraw = now();
  };

  return {
    advance(n) {
      bytes += n;
      if (tty && !ended && now() - lastDraw >= redrawMs) draw();
    },
    done() {
      if (ended) return;
      ended = true;
      if (tty) {
        draw();
        out.write('\n');
      } else if (opts.past) {
        const s = seconds();
        out.write(`${sanitize(`${opts.past} ${formatBytes(bytes)} in ${s.toFixed(1)} s (${formatRate(bytes, s)})`)}\n`);
      }
    },
    fail() {
      if (ended) return;
      ended = true;
      if (tty && drawn) out.write('\n');
    },
  };
}

/**
 * One line of status that changes over time (an operation's state and
 * progress): redrawn in place on a terminal, printed anew on each change
 * elsewhere. Unchanged text is never printed twice.
 */
export class StatusLine {
  private last: string | undefined;
  private open = false;

  constructor(private readonly out: ProgressStream = process.stderr) {}

  show(text: string): void {
    const line = sanitize(text);
    if (line === this.last) return;
    this.last = line;
    if (this.out.isTTY) {
      this.out.write(`\r${fit(line, this.out)}\u001b[K`);
      this.open = true;
    } else {
      this.out.write(`${line}\n`);
    }
  }

  /** Ends a line drawn in place, so what follows starts on its own row. */
  end(): void {
    if (this.open) this.out.write('\n');
    this.open = false;
  }
}
