/** A line `rouge-output: {"key": value}` adds to the step's outputs. */
const OUTPUT = /^rouge-output:\s*(\{.*\})\s*$/;

/**
 * What a command printed, read the same way whichever executor ran it (a
 * child process's pipes as they flow, a Kubernetes pod's log once it ended):
 * each line goes to the step's log, except `rouge-output: {...}` lines, whose
 * object adds to the step's outputs (a later line wins on the same key).
 *
 * @example
 * const out = new CommandOutput(ctx.log);
 * await out.text('training\nrouge-output: {"auc": 0.81}\n');
 * out.outputs; // { auc: 0.81 }
 */
export class CommandOutput {
  readonly outputs: Record<string, unknown> = {};

  constructor(private readonly log: (line: string) => Promise<void>) {}

  /** One line without its newline; `prefix` says where it came from (`stderr: `). */
  line(line: string, prefix = ''): Promise<void> {
    const m = OUTPUT.exec(line);
    if (!m) return this.log(`${prefix}${line}`);
    try {
      Object.assign(this.outputs, JSON.parse(m[1]!));
      return Promise.resolve();
    } catch {
      return this.log(`${prefix}an output line that is not JSON: ${line.slice(0, 200)}`);
    }
  }

  /** A whole text (a pod's log), line by line in order; a last line without a newline counts. */
  async text(text: string, prefix = ''): Promise<void> {
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    for (const l of lines) await this.line(l.endsWith('\r') ? l.slice(0, -1) : l, prefix);
  }

  /**
   * Reads a stream as it flows, line by line. The log writes are not awaited
   * so a chatty process is never held up by the store; a child's `close`
   * event comes after its pipes ended, so every line has been handed over by then.
   */
  stream(stream: NodeJS.ReadableStream, prefix = ''): void {
    let buf = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buf += chunk;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        void this.line(buf.slice(0, i), prefix);
        buf = buf.slice(i + 1);
      }
    });
    stream.on('end', () => buf && void this.line(buf, prefix));
  }
}
