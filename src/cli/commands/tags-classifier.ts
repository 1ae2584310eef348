import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { apiCommand, seg } from '../kit/command.js';
import { requireProject, resolveContext } from '../kit/context.js';
import { CliError, ExitCode, usageError } from '../kit/exit.js';
import type { GlobalFlags } from '../kit/options.js';
import { emit, note, printJson, printTable, say } from '../kit/output.js';
import { bar, StatusLine } from '../kit/progress.js';
import { formatOperationError, operationId, timeoutMs, waitForOperation, type Operation } from '../kit/wait.js';
import { projectPath } from './catalog.js';
import { upload } from './models.js';

/*
 * The product-type classifier (src/tagging/classifier): train a tagger from
 * labelled images (locally, then registered) or from reviewers' decisions (on
 * the server), evaluate one locally, review proposals in the terminal, and a
 * run's savings report.
 */

interface Task {
  id: string;
  itemId: string;
  itemTitle?: string;
  kind: string;
  imageUri: string;
  proposedTags: Array<{ name: string; value: string; confidence?: number }>;
  choices: Array<{ label: string }>;
}

type Columns = { imageColumn: string; labelColumn: string };

/** Embeds the images a labels CSV names, with a progress line on stderr. */
async function embedCsv(file: string, cols: Columns, status: StatusLine, what: string) {
  const t = await import('../../tagging/index.js');
  const files = await t.readLabelsCsv(file, { image: cols.imageColumn, label: cols.labelColumn }).catch(labelsError(t.LabelsError));
  if (files.length === 0) throw usageError(`${file} has no labelled rows`, `fill the ${cols.labelColumn} column`);
  const pool = new t.VisionPool();
  try {
    status.show(`${what}: loading the image model...`);
    return await t.embedFiles(pool, files, (done, total) => status.show(`${what}: ${bar(done / total, 20)} ${done}/${total} images`)).catch(labelsError(t.LabelsError));
  } finally {
    status.end();
    await pool.close();
  }
}

const labelsError = (cls: new (...a: never[]) => Error) => (e: unknown): never => {
  if (e instanceof cls) throw usageError(e.message, 'the CSV needs a header, an image path column (relative to the CSV) and a label column');
  throw e;
};

/** Trains with the production defaults, showing the stage on stderr. */
async function train(examples: Parameters<typeof import('../../tagging/index.js').trainTagger>[0], status: StatusLine) {
  const t = await import('../../tagging/index.js');
  // Let the status line draw before the synchronous training starts.
  const tagger = t.trainTagger(examples, { onProgress: (stage, done, total) => status.show(`training: ${stage} ${bar(done / total, 20)} ${done}/${total}`) });
  status.end();
  return tagger;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** `rouge tags train|evaluate|review|savings`. */
export function registerClassifierCommands(tags: Command): void {
  tags.command('evaluate')
    .description('train on one labelled CSV and score on another, locally (no server): accuracy, per-class precision and recall, and the share auto-accepted at the precision reached')
    .requiredOption('--train <csv>', 'labelled images to train on: a header, an image path column (relative to the CSV, or absolute) and a label column')
    .requiredOption('--test <csv>', 'labelled images to score on, the same columns')
    .option('--image-column <name>', 'the column of image paths', 'file')
    .option('--label-column <name>', 'the column of labels', 'subCategory')
    .addHelpText('after', '\nWith --json, stdout is exactly one line: {"accuracy", "autoAcceptShare", "autoAcceptPrecision", "perClass": {...}}; progress goes to stderr. Example: rouge tags evaluate --train train.csv --test test.csv --json')
    .action(async (opts: Columns & { train: string; test: string; json?: boolean }) => {
      const t = await import('../../tagging/index.js');
      const status = new StatusLine();
      const trainSet = await embedCsv(opts.train, opts, status, 'train images');
      const testSet = await embedCsv(opts.test, opts, status, 'test images');
      const tagger = await train(trainSet, status);
      const r = t.evaluateTagger(tagger, testSet);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(r)}\n`);
        return;
      }
      say(`accuracy ${pct(r.accuracy)} on ${testSet.length} test images; auto-accepted ${pct(r.autoAcceptShare)} at precision ${pct(r.autoAcceptPrecision)} (target ${pct(tagger.precisionTarget)})`);
      printTable(['CLASS', 'PRECISION', 'RECALL', 'SUPPORT', 'AUTO-ACCEPT FROM'], Object.entries(r.perClass).map(([label, c]) => {
        const i = tagger.classes.findIndex((m) => m.label === label);
        const th = i >= 0 ? tagger.thresholds[i]! : undefined;
        return [label, pct(c.precision), pct(c.recall), String(c.support), th === undefined ? 'unknown class' : th > 1 ? 'never' : `confidence ${th.toFixed(2)}`];
      }), 'No test images.');
    });

  apiCommand(tags, 'train', 'train a product-type tagger and register it as a rouge-tagger version: from a labelled CSV (on this machine), or without --labels from reviewers\' decisions (on the server)')
    .option('--labels <csv>', 'labelled images: a header, an image path column (relative to the CSV, or absolute) and a label column')
    .option('--image-column <name>', 'the column of image paths', 'file')
    .option('--label-column <name>', 'the column of labels', 'subCategory')
    .option('--model <name>', 'the model to add the version to (created when missing)', 'tagger')
    .option('--alias <alias>', 'move this alias to the new version (tagging runs use champion)', 'champion')
    .option('--no-wait', 'without --labels: print the Operation and return at once')
    .option('--timeout <duration>', 'without --labels: stop waiting after this long (training goes on)', timeoutMs)
    .addHelpText('after', '\nExamples: rouge tags train --labels labelled.csv --project demo\n          rouge tags train --project demo        (learn from the review queue\'s decisions)')
    .action(async (opts: GlobalFlags & Columns & { labels?: string; model: string; alias: string; wait: boolean; timeout?: number }) => {
      if (opts.labels) return trainFromCsv(opts as typeof opts & { labels: string });
      const ctx = resolveContext(opts);
      const project = requireProject(ctx);
      const started = await ctx.client.request<Operation>('POST', `${projectPath(project)}/tagging/taggers:train`, { body: { model: opts.model, alias: opts.alias } });
      if (!opts.wait) return emit(ctx.json, started, () => say(`Training: operation ${operationId(started.name)}. Follow it with rouge operations wait ${operationId(started.name)}.`));
      const op = await waitForOperation(ctx.client, started.name, { started, label: 'tagger training', timeoutMs: opts.timeout, interruptNote: (id) => `training goes on (rouge operations wait ${id})` });
      if (ctx.json) return printJson(op);
      if (op.error) throw new CliError(`training failed: ${formatOperationError(op.error)}`, ExitCode.API_ERROR);
      const r = op.response as { modelVersion: string; versionAliases: string[]; examples: number; decisions: number; validation: { accuracy: number; autoAcceptShare: number; autoAcceptPrecision: number } };
      say(`Trained ${r.modelVersion} (${r.versionAliases.join(', ')}) on ${r.examples} images, ${r.decisions} of them reviewers' decisions.`);
      say(`held out: accuracy ${pct(r.validation.accuracy)}, auto-accepted ${pct(r.validation.autoAcceptShare)} at precision ${pct(r.validation.autoAcceptPrecision)}`);
    });

  apiCommand(tags, 'review', 'decide on tag proposals in the terminal, one key each (or open /review in a browser)')
    .option('--run <runId>', 'only the proposals of this run')
    .addHelpText('after', '\nKeys: Enter or a = accept, 1-9 = correct to that class, r = reject, s = skip, q = quit (then Enter).')
    .action(async (opts: GlobalFlags & { run?: string }) => review(opts));

  apiCommand(tags, 'savings <runId>', 'a run\'s savings: share auto-accepted and sent to review, measured precision, manual work avoided, cost per 1,000 images')
    .option('--manual-seconds <n>', 'seconds a person takes to tag an image from scratch (30)', Number)
    .option('--review-seconds <n>', 'seconds a person takes to confirm or correct a proposal (5)', Number)
    .option('--hourly-cost <n>', 'labour cost per hour, USD (15)', Number)
    .action(async (run: string, opts: GlobalFlags & { manualSeconds?: number; reviewSeconds?: number; hourlyCost?: number }) => {
      const ctx = resolveContext(opts);
      const project = requireProject(ctx);
      const q = new URLSearchParams();
      if (opts.manualSeconds !== undefined) q.set('manualSecondsPerImage', String(opts.manualSeconds));
      if (opts.reviewSeconds !== undefined) q.set('reviewSecondsPerImage', String(opts.reviewSeconds));
      if (opts.hourlyCost !== undefined) q.set('hourlyLabourCost', String(opts.hourlyCost));
      const r = await ctx.client.request<any>('GET', `${projectPath(project)}/tagging/runs/${seg(run)}/savings${q.size ? `?${q}` : ''}`);
      emit(ctx.json, r, () => {
        say(`Run ${run}: ${r.imagesProcessed} images, ${r.classified} classified; ${pct(r.autoAcceptedShare)} auto-accepted, ${pct(r.sentToReviewShare)} sent to review.`);
        const a = r.audit;
        say(a.measuredPrecision !== undefined
          ? `Auto-accepted tags measured ${pct(a.measuredPrecision)} precise on ${a.reviewed} audited (95% interval ${pct(a.interval95[0])} to ${pct(a.interval95[1])}).`
          : `Precision of auto-accepted tags: not measured yet (${a.sampled} sampled for audit, none reviewed; rouge tags review).`);
        say(`Manual work avoided: ${r.manualWorkAvoided.hours} hours (${pct(r.manualWorkAvoided.share)}), ${r.manualWorkAvoided.cost} USD.`);
        const c = r.costPer1000Images;
        say(`Per 1,000 images: Rouge ${c.rouge.total} USD (compute ${c.rouge.compute}, review ${c.rouge.review}); by hand ${c.manual}; Cloud Vision labels ${c.cloudVisionLabelDetection}; Rekognition labels ${c.rekognitionDetectLabels} (list prices, no custom product types).`);
      });
    });
}

/** `rouge tags train --labels`: embed and train here, then upload the tagger as a version. */
async function trainFromCsv(opts: GlobalFlags & Columns & { labels: string; model: string; alias: string }): Promise<void> {
  const t = await import('../../tagging/index.js');
  const status = new StatusLine();
  const examples = await embedCsv(opts.labels, opts, status, 'images');
  const tagger = await train(examples, status);
  const v = tagger.validation;
  note(`held out (${v.folds}-fold): accuracy ${pct(v.accuracy)}, auto-accepted ${pct(v.autoAcceptShare)} at precision ${pct(v.autoAcceptPrecision)}; classes ${tagger.classes.map((c) => c.label).join(', ')}`);
  const dir = await mkdtemp(join(tmpdir(), 'rouge-tagger-'));
  try {
    const file = join(dir, 'tagger.json');
    await writeFile(file, t.serializeTagger(tagger));
    await upload(file, {
      ...opts, name: opts.model, alias: [opts.alias], framework: t.TAGGER_FRAMEWORK, create: true,
      metric: { accuracy: v.accuracy, autoAcceptShare: v.autoAcceptShare, autoAcceptPrecision: v.autoAcceptPrecision, examples: v.examples },
      description: `trained on ${v.examples} labelled images of ${opts.labels.split('/').pop()}`,
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The terminal review loop: one task at a time, a line per decision (Enter alone accepts). */
async function review(opts: GlobalFlags & { run?: string }): Promise<void> {
  const ctx = resolveContext(opts);
  const project = requireProject(ctx);
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  const decided = { accept: 0, correct: 0, reject: 0, skip: 0 };
  let pageToken: string | undefined;
  const skipped = new Set<string>();
  try {
    for (;;) {
      const q = new URLSearchParams({ state: 'pending', pageSize: '50', ...(opts.run ? { runId: opts.run } : {}), ...(pageToken ? { pageToken } : {}) });
      const page = await ctx.client.request<{ reviewTasks: Task[]; nextPageToken?: string }>('GET', `${projectPath(project)}/tagging/reviewTasks?${q}`);
      const tasks = page.reviewTasks.filter((t) => !skipped.has(t.id));
      for (const task of tasks) {
        const cls = task.proposedTags.find((t) => t.name === 'product_class');
        process.stderr.write(`\n${task.itemTitle ? `${task.itemTitle} (${task.itemId})` : task.itemId}${task.kind === 'audit' ? '  [audit: auto-accepted, checked by sample]' : ''}\n`);
        process.stderr.write(`  image: ${ctx.client.url}${task.imageUri} (or ${ctx.client.url}/review?project=${encodeURIComponent(project)} in a browser)\n`);
        process.stderr.write(`  proposed: ${cls?.value ?? '?'}${cls?.confidence !== undefined ? ` (${pct(cls.confidence)})` : ''}\n`);
        process.stderr.write(`  ${task.choices.map((c, i) => `${i + 1} ${c.label}`).join('   ')}\n  [Enter/a] accept  [1-${task.choices.length}] correct  [r] reject  [s] skip  [q] quit > `);
        const next = await lines.next();
        const key = next.done ? 'q' : next.value.trim().toLowerCase();
        if (key === 'q') return;
        if (key === 's') {
          skipped.add(task.id);
          decided.skip++;
          continue;
        }
        const n = Number(key);
        const body = key === '' || key === 'a' ? { decision: 'accept' } : key === 'r' ? { decision: 'reject' }
          : Number.isInteger(n) && n >= 1 && n <= task.choices.length ? { decision: 'correct', tags: [{ name: 'product_class', value: task.choices[n - 1]!.label }] } : undefined;
        if (!body) {
          process.stderr.write(`  ${JSON.stringify(key)} is not a key here; skipped\n`);
          skipped.add(task.id);
          continue;
        }
        await ctx.client.request('POST', `${projectPath(project)}/tagging/reviewTasks/${seg(task.id)}:resolve`, { body }).then(
          () => void decided[body.decision as 'accept']++,
          (e: { reason?: string }) => {
            // Another reviewer decided first: theirs stands.
            if (e?.reason !== 'REVIEW_TASK_RESOLVED') throw e;
          },
        );
      }
      pageToken = page.nextPageToken;
      if (!pageToken && tasks.length === 0) return;
    }
  } finally {
    rl.close();
    say(`\nReviewed: ${decided.accept} accepted, ${decided.correct} corrected, ${decided.reject} rejected, ${decided.skip} skipped.${decided.accept + decided.correct ? ' Learn from them with rouge tags train --project ' + project + '.' : ''}`);
  }
}
