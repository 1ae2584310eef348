import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { ApiError } from '../kit/client.js';
import { apiCommand, seg } from '../kit/command.js';
import { requireProject, resolveContext, type Context } from '../kit/context.js';
import { CliError, ExitCode, usageError } from '../kit/exit.js';
import { multipartBody, sha256File } from '../kit/multipart.js';
import type { GlobalFlags } from '../kit/options.js';
import { emit, note, printFields, printTable, say, shortTime } from '../kit/output.js';
import { collect, formatPairs, labelPair, metricPair } from '../kit/pairs.js';
import { positiveInt } from '../kit/parsers.js';
import { byteProgress, formatBytes } from '../kit/progress.js';
import { rawRequest } from '../kit/raw.js';
import type { Model, ModelVersion, TensorSpec as Tensor } from '../../registry/index.js';

// The server's own response types: type-only imports, erased at build, so the CLI loads no server code.
// The registry's own rules (src/registry/names.ts), repeated so a typo is a usage error before any request.
const MODEL_NAME = /^[a-z][a-z0-9-]{0,62}$/;
const VERSION_REF = /^([1-9][0-9]{0,9}|[a-z][a-zA-Z0-9-]{0,126}[a-z0-9])$/;
const REF_HINT = 'write the model as ctr, a version as ctr@3, or an alias as ctr@champion (lower-case letters, digits and hyphens)';

/** A model name as typed; a usage error unless the registry could accept it. */
function modelName(text: string): string {
  if (!MODEL_NAME.test(text)) throw usageError(`${JSON.stringify(text)} is not a model name`, 'model names are lower-case letters, digits and hyphens, starting with a letter, at most 63 characters');
  return text;
}

/**
 * Reads `ctr`, `ctr@3` or `ctr@champion`. Without `@` the version is the
 * `default` alias, unless `explicit` says the command needs one named.
 */
export function parseModelRef(text: string, explicit = false): { model: string; version: string } {
  const at = text.indexOf('@');
  const model = at < 0 ? text : text.slice(0, at);
  const version = at < 0 ? 'default' : text.slice(at + 1);
  if (!MODEL_NAME.test(model) || !VERSION_REF.test(version)) throw usageError(`cannot read model reference ${JSON.stringify(text)}`, REF_HINT);
  if (explicit && at < 0) throw usageError(`${JSON.stringify(text)} names no version`, `name one, such as ${model}@2`);
  return { model, version };
}

const modelsPath = (project: string) => `/v1/projects/${seg(project)}/models`;
const versionsPath = (project: string, model: string) => `${modelsPath(project)}/${seg(model)}/versions`;

const tensors = (ts: Tensor[]) => ts.map((t) => `${t.name}:${t.datatype}[${t.shape.join(',')}]`).join(' ');

const modelFields = (m: Model): Array<[string, string | undefined]> => [
  ['name', m.name],
  ['modelId', m.modelId],
  ['displayName', m.displayName],
  ['description', m.description || undefined],
  ['labels', formatPairs(m.labels) || undefined],
  ['createTime', shortTime(m.createTime)],
  ['updateTime', shortTime(m.updateTime)],
];

const versionFields = (v: ModelVersion): Array<[string, string | undefined]> => [
  ['name', v.name],
  ['version', v.versionId],
  ['aliases', v.versionAliases.join(', ') || '-'],
  ['framework', v.framework],
  ['description', v.description || undefined],
  ['labels', formatPairs(v.labels) || undefined],
  ['metrics', formatPairs(v.metrics) || undefined],
  ['inputs', v.signature ? tensors(v.signature.inputs) : undefined],
  ['outputs', v.signature ? tensors(v.signature.outputs) : undefined],
  ['metadata', formatPairs(v.metadata) || undefined],
  // An artifact-less version (a custom model server) is its spec: where it runs and how to call it.
  ['spec', v.spec ? JSON.stringify(v.spec) : undefined],
  ['sha256', v.artifact?.sha256],
  ['size', v.artifact ? formatBytes(v.artifact.sizeBytes) : undefined],
  ['parent', typeof v.lineage.parentVersion === 'number' ? String(v.lineage.parentVersion) : undefined],
  ['createdBy', typeof v.lineage.createdBy === 'string' ? v.lineage.createdBy : undefined],
  ['createTime', shortTime(v.versionCreateTime)],
];

export type UploadFlags = GlobalFlags & {
  name: string;
  alias?: string[];
  metric?: Record<string, number>;
  label?: Record<string, string>;
  description?: string;
  framework: string;
  create: boolean;
  parent?: number;
  operation?: string;
  pipelineRun?: string;
};

/** Creates the model unless it exists; any other refusal stops the upload. */
async function ensureModel(ctx: Context, project: string, model: string): Promise<void> {
  try {
    await ctx.client.request('POST', modelsPath(project), { body: { name: model } });
    note(`Created model ${model} in project ${project}.`);
  } catch (e) {
    if (!(e instanceof ApiError && e.reason === 'MODEL_ALREADY_EXISTS')) throw e;
  }
}

/** `rouge models upload <file> --name ctr ...`: hash, then stream the file up as a new version. */
export async function upload(file: string, opts: UploadFlags): Promise<void> {
  const model = modelName(opts.name);
  let size: number;
  try {
    const s = await stat(file);
    if (!s.isFile()) throw usageError(`${file} is not a file`, 'pass the path of the model file to upload');
    size = s.size;
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw usageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'pass the path of the model file to upload');
  }
  const ctx = resolveContext(opts);
  const project = requireProject(ctx);
  if (opts.create) await ensureModel(ctx, project, model);

  // Hashed first, in one pass: the metadata part, which declares the digest, travels before the bytes.
  const hashing = byteProgress({ active: `hashing ${basename(file)}`, total: size });
  let digest: { sha256: string; size: number };
  try {
    digest = await sha256File(file, (n) => hashing.advance(n));
    hashing.done();
  } catch (e) {
    hashing.fail();
    throw new CliError(`cannot read ${file}: ${(e as Error).message}`, ExitCode.API_ERROR);
  }

  const lineageFields = {
    ...(opts.parent !== undefined ? { parentVersion: opts.parent } : {}),
    ...(opts.operation !== undefined ? { operation: opts.operation } : {}),
    ...(opts.pipelineRun !== undefined ? { pipelineRun: opts.pipelineRun } : {}),
  };
  const lineage = Object.keys(lineageFields).length > 0 ? lineageFields : undefined;
  const metadata = {
    framework: opts.framework,
    ...(opts.alias ? { aliases: opts.alias } : {}),
    ...(opts.metric ? { metrics: opts.metric } : {}),
    ...(opts.label ? { labels: opts.label } : {}),
    ...(opts.description !== undefined ? { description: opts.description } : {}),
    ...(lineage ? { lineage } : {}),
    sha256: digest.sha256,
  };
  const progress = byteProgress({ active: `uploading ${model}`, past: 'Uploaded', total: digest.size });
  const body = multipartBody([
    { name: 'metadata', json: metadata },
    { name: 'artifact', filename: basename(file), path: file, size: digest.size, onChunk: (n) => progress.advance(n) },
  ]);
  let v: ModelVersion;
  try {
    const res = await rawRequest(ctx.client, 'POST', versionsPath(project, model), {
      headers: { 'content-type': body.contentType, accept: 'application/json' },
      body: body.body,
      contentLength: body.contentLength,
    });
    v = (await res.json()) as ModelVersion;
    progress.done();
  } catch (e) {
    progress.fail();
    throw e;
  }
  emit(ctx.json, v, () => {
    say(`Uploaded ${model} version ${v.versionId}${v.versionAliases.length ? ` (${v.versionAliases.join(', ')})` : ''}.`);
    printFields(versionFields(v));
  });
}

/** A file name from Content-Disposition, reduced to a safe base name. */
function attachmentName(header: string | null): string | undefined {
  const m = header ? /filename="?([^";]+)"?/i.exec(header) : null;
  const name = m ? basename(m[1]!).replace(/[^A-Za-z0-9._-]/g, '_') : '';
  return name && !name.startsWith('.') ? name : undefined;
}

/**
 * `rouge models download ctr@champion -o model.onnx`: resolves the reference
 * to a version number (so an alias moving meanwhile cannot mix versions),
 * streams the artifact into a temporary file beside the target while hashing
 * it, checks the digest the server declares, and only then renames the file
 * into place. A mismatch or a failure leaves no file behind.
 */
async function download(ref: string, opts: GlobalFlags & { output?: string }): Promise<void> {
  const { model, version } = parseModelRef(ref);
  const ctx = resolveContext(opts);
  const project = requireProject(ctx);
  const v = await ctx.client.request<ModelVersion>('GET', `${versionsPath(project, model)}/${seg(version)}`);
  if (!v.artifact) throw new CliError(`${model}@${v.versionId} is a ${v.framework} version; it has no artifact to download`, ExitCode.API_ERROR);
  const res = await rawRequest(ctx.client, 'GET', `${versionsPath(project, model)}/${seg(v.versionId)}/artifact`, { headers: { accept: 'application/octet-stream' } });
  const declared = (res.headers.get('x-rouge-sha256') ?? v.artifact.sha256).toLowerCase();

  let target = opts.output ?? attachmentName(res.headers.get('content-disposition')) ?? `${model}-${v.versionId}`;
  const existing = await stat(target).catch(() => undefined);
  if (existing?.isDirectory()) target = join(target, attachmentName(res.headers.get('content-disposition')) ?? `${model}-${v.versionId}`);
  const temp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.part`);
  const removeTemp = () => rm(temp, { force: true });
  // Ctrl-C mid-download must not leave the partial file behind either.
  const onSignal = () => {
    void removeTemp().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);

  const total = Number(res.headers.get('content-length') ?? v.artifact.sizeBytes);
  const progress = byteProgress({ active: `downloading ${model}@${v.versionId}`, past: 'Downloaded', total });
  const hash = createHash('sha256');
  let bytes = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      bytes += chunk.length;
      progress.advance(chunk.length);
      cb(null, chunk);
    },
  });
  try {
    try {
      await pipeline(res.body, meter, createWriteStream(temp, { flags: 'wx', mode: 0o644 }));
    } catch (e) {
      if (e instanceof CliError) throw e;
      const err = e as NodeJS.ErrnoException;
      if (err.syscall) throw new CliError(`cannot write ${target}: ${err.code ?? err.message}`, ExitCode.API_ERROR);
      throw new CliError(`the download of ${model}@${v.versionId} broke off after ${formatBytes(bytes)}: ${err.message}`, ExitCode.API_ERROR, ['retry the download']);
    }
    const actual = hash.digest('hex');
    if (actual !== declared) {
      throw new CliError(
        `sha256 mismatch for ${model}@${v.versionId}: the server declared ${declared} but the ${formatBytes(bytes)} received hash to ${actual}; ${target} was not written`,
        ExitCode.API_ERROR,
        ['retry the download; if it fails again, the stored artifact is damaged: upload the model again'],
      );
    }
    await rename(temp, target);
    progress.done();
  } catch (e) {
    progress.fail();
    await removeTemp();
    throw e;
  } finally {
    process.removeListener('SIGINT', onSignal);
  }
  emit(ctx.json, v, () => say(`Downloaded ${model}@${version === v.versionId ? version : `${version} (version ${v.versionId})`} to ${target}: ${formatBytes(bytes)}, sha256 ${declared}.`));
}

/** `rouge models ...`: the model registry. */
export function registerModelCommands(program: Command): void {
  const models = program.command('models').description("upload, list, download and label a project's models and their versions");

  apiCommand(models, 'upload <file>', 'upload a model file as a new version (creating the model first if needed)')
    .requiredOption('--name <model>', 'the model to add a version to, such as ctr')
    .option('--alias <alias>', 'put this alias on the new version (repeatable), such as champion', collect)
    .option('--metric <key=number>', 'record a metric (repeatable), such as auc=0.81', metricPair)
    .option('--label <key=value>', 'label the version (repeatable), such as team=recs', labelPair)
    .option('--description <text>', 'what this version is')
    .option('--framework <framework>', 'the model kind', 'onnx')
    .option('--parent <version>', 'lineage: the version of this model it was retrained from, such as 3', positiveInt)
    .option('--operation <name>', 'lineage: the operation that trained it')
    .option('--pipeline-run <name>', 'lineage: the pipeline run that produced it, such as runs/7')
    .option('--no-create', 'fail if the model does not exist, instead of creating it')
    .addHelpText('after', '\nThe file is hashed, then streamed (never read into memory); the server refuses it if the bytes it receives hash differently.\nExample: rouge models upload model.onnx --name ctr --alias champion --metric auc=0.81 --project storefront')
    .action(upload);

  apiCommand(models, 'list', 'list the models of --project').action(async (opts: GlobalFlags) => {
    const ctx = resolveContext(opts);
    const project = requireProject(ctx);
    const body = await ctx.client.listAll(modelsPath(project), 'models');
    emit(ctx.json, body, () => {
      const rows = (body.models as Model[]).map((m) => [m.modelId, m.displayName, formatPairs(m.labels), shortTime(m.createTime)]);
      printTable(['MODEL', 'DISPLAY NAME', 'LABELS', 'CREATED'], rows, `No models in project ${project}; add one with rouge models upload <file> --name <model>.`);
    });
  });

  apiCommand(models, 'get <model>', 'show a model, or one version of it (ctr@3, ctr@champion)').action(async (ref: string, opts: GlobalFlags) => {
    const versioned = ref.includes('@');
    const { model, version } = parseModelRef(ref);
    const ctx = resolveContext(opts);
    const project = requireProject(ctx);
    if (versioned) {
      const v = await ctx.client.request<ModelVersion>('GET', `${versionsPath(project, model)}/${seg(version)}`);
      emit(ctx.json, v, () => printFields(versionFields(v)));
    } else {
      const m = await ctx.client.request<Model>('GET', `${modelsPath(project)}/${seg(model)}`);
      emit(ctx.json, m, () => printFields(modelFields(m)));
    }
  });

  apiCommand(models, 'create <model>', 'register a model with no versions yet (upload creates it too)')
    .option('--display-name <text>', 'human-readable name (default: the name)')
    .option('--description <text>', 'what the model is for')
    .option('--label <key=value>', 'label the model (repeatable), such as team=recs', labelPair)
    .action(async (name: string, opts: GlobalFlags & { displayName?: string; description?: string; label?: Record<string, string> }) => {
      modelName(name);
      const ctx = resolveContext(opts);
      const project = requireProject(ctx);
      const m = await ctx.client.request<Model>('POST', modelsPath(project), { body: { name, displayName: opts.displayName, description: opts.description, labels: opts.label } });
      emit(ctx.json, m, () => {
        say(`Created model ${m.modelId}. Next: rouge models upload <file> --name ${m.modelId}.`);
        printFields(modelFields(m));
      });
    });

  apiCommand(models, 'delete <model>', 'delete a model with all its versions and their files (refused while a version is deployed)').action(
    async (name: string, opts: GlobalFlags) => {
      modelName(name);
      const ctx = resolveContext(opts);
      const project = requireProject(ctx);
      const body = await ctx.client.request('DELETE', `${modelsPath(project)}/${seg(name)}`);
      emit(ctx.json, body, () => say(`Deleted model ${name} with all its versions.`));
    },
  );

  apiCommand(models, 'versions <model>', "list a model's versions").action(async (name: string, opts: GlobalFlags) => {
    modelName(name);
    const ctx = resolveContext(opts);
    const project = requireProject(ctx);
    const body = await ctx.client.listAll(versionsPath(project, name), 'versions');
    emit(ctx.json, body, () => {
      const rows = (body.versions as ModelVersion[]).map((v) => [v.versionId, v.versionAliases.join(',') || '-', v.framework, formatPairs(v.metrics) || '-', shortTime(v.versionCreateTime)]);
      printTable(['VERSION', 'ALIASES', 'FRAMEWORK', 'METRICS', 'CREATED'], rows, `Model ${name} has no versions; add one with rouge models upload <file> --name ${name}.`);
    });
  });

  apiCommand(models, 'alias <version> [aliases...]', 'put aliases on a version (ctr@3), moving them from wherever they were; --remove takes them off')
    .option('--remove <alias>', 'take this alias off the version (repeatable); "default" can only move', collect)
    .addHelpText('after', '\nExamples:\n  rouge models alias ctr@3 champion\n  rouge models alias ctr@3 --remove champion')
    .action(async (ref: string, aliases: string[], opts: GlobalFlags & { remove?: string[] }) => {
      const { model, version } = parseModelRef(ref);
      const changes = [...aliases, ...(opts.remove ?? []).map((a) => `-${a}`)];
      if (changes.length === 0) throw usageError('no alias to add or remove', `name one, such as rouge models alias ${ref} champion, or --remove champion`);
      const ctx = resolveContext(opts);
      const project = requireProject(ctx);
      const v = await ctx.client.request<ModelVersion>('POST', `${versionsPath(project, model)}/${seg(version)}:mergeVersionAliases`, { body: { versionAliases: changes } });
      emit(ctx.json, v, () => say(`${model} version ${v.versionId} now has aliases: ${v.versionAliases.join(', ') || '(none)'}.`));
    });

  apiCommand(models, 'download <version>', 'download a version\'s file (ctr means ctr@default), checking its sha256')
    .option('-o, --output <file>', 'where to write it (default: the server\'s file name, such as ctr-3.onnx, in the current directory)')
    .action(download);

  apiCommand(models, 'delete-version <version>', 'delete one version, such as ctr@2 (not the holder of "default", not while deployed)').action(
    async (ref: string, opts: GlobalFlags) => {
      const { model, version } = parseModelRef(ref, true);
      const ctx = resolveContext(opts);
      const project = requireProject(ctx);
      const body = await ctx.client.request('DELETE', `${versionsPath(project, model)}/${seg(version)}`);
      emit(ctx.json, body, () => say(`Deleted ${model}@${version}.`));
    },
  );
}
