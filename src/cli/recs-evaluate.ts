import { access } from 'node:fs/promises';
import { evaluateDataset, type Baseline, type EvaluationResult } from '../recs/index.js';
import { usageError } from './kit/exit.js';

export interface RecsEvaluateOptions {
  dataset: string;
  json?: boolean;
  baseline?: string;
}

const BASELINES: Baseline[] = ['popularity', 'itemknn'];

/**
 * `rouge recs evaluate`: trains on a `user item item ...` file by
 * leave-one-out and prints the offline metrics, locally, without a server.
 * Progress goes to stderr so that `--json` leaves exactly one line on stdout.
 */
export async function recsEvaluate(opts: RecsEvaluateOptions): Promise<void> {
  if (opts.baseline !== undefined && !BASELINES.includes(opts.baseline as Baseline)) {
    throw usageError(`unknown baseline "${opts.baseline}"`, `use --baseline ${BASELINES.join(' or ')}`);
  }
  try {
    await access(opts.dataset);
  } catch {
    throw usageError(`cannot read the dataset file ${opts.dataset}`, 'give --dataset a file of lines "user_id item_id item_id ..." in time order');
  }
  let last = '';
  const result = await evaluateDataset(opts.dataset, opts.baseline ? { baseline: opts.baseline as Baseline } : {}, (stage, done, total) => {
    const line = `${stage} ${Math.floor((100 * done) / total)}%`;
    if (line !== last && (done === total || done === 1)) process.stderr.write(`${line}\n`);
    last = line;
  });
  process.stdout.write(opts.json ? `${JSON.stringify(result)}\n` : renderTable(result));
}

/** The metrics as aligned text. */
export function renderTable(r: EvaluationResult): string {
  const row = (name: string, m: Record<string, number>) =>
    `${name.padEnd(8)} ${Object.entries(m)
      .map(([k, v]) => `${k} ${v.toFixed(4)}`)
      .join('  ')}\n`;
  return `${row('full', r.full)}${row('sampled', r.sampled)}users ${r.users}, trained in ${r.seconds} s\n`;
}
