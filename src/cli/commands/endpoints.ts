import { InvalidArgumentError, type Command } from 'commander';
import { apiCommand, seg } from '../kit/command.js';
import { requireProject, resolveContext } from '../kit/context.js';
import { CliError, ExitCode, usageError } from '../kit/exit.js';
import type { GlobalFlags } from '../kit/options.js';
import { emit, note, printFields, printJson, printTable, say, shortTime } from '../kit/output.js';
import { formatPairs, labelPair } from '../kit/pairs.js';
import { positiveInt } from '../kit/parsers.js';
import { formatOperationError, operationId, timeoutMs, waitForOperation, type Operation } from '../kit/wait.js';
import { parseModelRef } from './models.js';
import type { DeployedModelView as DeployedModel, EndpointView as Endpoint } from '../../serving/index.js';

export type { DeployedModelView as DeployedModel, EndpointView as Endpoint } from '../../serving/index.js';

// The server's rule (src/serving/schemas.ts), repeated so a typo is a usage error before any request.
const ENDPOINT_NAME = /^[a-z][a-z0-9-]{0,62}$/;
const DEPLOYED_ID = /^[0-9]{1,10}$/;

/** An endpoint name as typed; a usage error unless the server could accept it. */
export function endpointName(text: string): string {
  if (!ENDPOINT_NAME.test(text)) {
    throw usageError(`${JSON.stringify(text)} is not an endpoint name`, 'endpoint names are lower-case letters, digits and hyphens, starting with a letter, at most 63 characters');
  }
  return text;
}

/**
 * `--traffic 0=10 --traffic 4821095730=90` -> {"0": 10, "4821095730": 90}:
 * deployed model id (`0` is the model being deployed) = whole percent.
 */
export function trafficPair(text: string, previous: Record<string, number> | undefined): Record<string, number> {
  const at = text.indexOf('=');
  const id = at > 0 ? text.slice(0, at).trim() : '';
  const pct = at > 0 ? text.slice(at + 1).trim().replace(/%$/, '') : '';
  if (!DEPLOYED_ID.test(id) || !/^\d{1,3}$/.test(pct) || Number(pct) > 100) {
    throw new InvalidArgumentError('use <deployed model id>=<percent>, such as 0=100 or 4821095730=90 (0 is the model being deployed).');
  }
  return { ...previous, [id]: Number(pct) };
}

/** `--request-logging 0.1`: the share of requests logged, from 0 to 1. */
function samplingRate(text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError('use a sampling rate from 0 to 1, such as 0.1.');
  return n;
}

/** `--max-latency-ms 5`: 0 to 1000, fractions allowed. */
function latencyMs(text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1000) throw new InvalidArgumentError('use milliseconds from 0 to 1000, such as 5.');
  return n;
}

const endpointsPath = (project: string) => `/v1/projects/${seg(project)}/endpoints`;
const endpointPath = (project: string, endpoint: string) => `${endpointsPath(project)}/${seg(endpoint)}`;

/** "ctr@3" from the deployed model's resource name and version. */
const refOf = (d: DeployedModel) => `${d.model.split('/').pop() ?? d.model}@${d.modelVersionId}`;

/** "4821095730=90 5930284711=10", largest share first; "(none)" when empty. */
export function formatSplit(split: Record<string, number>): string {
  const entries = Object.entries(split).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return entries.length ? entries.map(([id, pct]) => `${id}=${pct}`).join(' ') : '(none)';
}

const batchingText = (d: DeployedModel) => (d.batching ? `max ${d.batching.maxBatchSize} rows / ${d.batching.maxLatencyMs} ms` : '-');

function endpointFields(e: Endpoint): Array<[string, string | undefined]> {
  return [
    ['name', e.name],
    ['endpointId', e.endpointId],
    ['displayName', e.displayName],
    ['labels', formatPairs(e.labels) || undefined],
    ['traffic', formatSplit(e.trafficSplit)],
    ['requestLogging', e.requestLogging.samplingRate > 0 ? `sampling rate ${e.requestLogging.samplingRate}` : 'off'],
    ['createTime', shortTime(e.createTime)],
    ['updateTime', shortTime(e.updateTime)],
  ];
}

/** The endpoint's fields, then its deployed models as a table. */
function printEndpoint(e: Endpoint): void {
  printFields(endpointFields(e));
  if (e.deployedModels.length === 0) {
    note(`No models are deployed on ${e.endpointId}; deploy one with rouge endpoints deploy ${e.endpointId} --model <model>@<version> --traffic 0=100.`);
    return;
  }
  process.stdout.write('\n');
  const rows = e.deployedModels.map((d) => [d.id, refOf(d), d.displayName, d.state, `${e.trafficSplit[d.id] ?? 0}%`, batchingText(d), d.error ?? shortTime(d.createTime)]);
  printTable(['DEPLOYED MODEL', 'VERSION', 'DISPLAY NAME', 'STATE', 'TRAFFIC', 'BATCHING', 'CREATED / ERROR'], rows, '');
}

type DeployFlags = GlobalFlags & {
  model: string;
  traffic?: Record<string, number>;
  maxBatchSize?: number;
  maxLatencyMs?: number;
  displayName?: string;
  wait: boolean;
  timeout?: number;
};

/**
 * `rouge endpoints deploy ctr-prod --model ctr@champion --traffic 0=100`:
 * POST :deployModel, then wait for its Operation (unless --no-wait). Traffic
 * moves only once the model is loaded and warmed; a model that fails to load
 * ends the Operation with an error and leaves the traffic as it was.
 */
async function deploy(name: string, opts: DeployFlags): Promise<void> {
  endpointName(name);
  parseModelRef(opts.model);
  if ((opts.maxBatchSize === undefined) !== (opts.maxLatencyMs === undefined)) {
    throw usageError('batching needs both --max-batch-size and --max-latency-ms', 'such as --max-batch-size 32 --max-latency-ms 5');
  }
  const ctx = resolveContext(opts);
  const project = requireProject(ctx);
  const body = {
    deployedModel: {
      model: opts.model,
      ...(opts.displayName !== undefined ? { displayName: opts.displayName } : {}),
      ...(opts.maxBatchSize !== undefined ? { batching: { maxBatchSize: opts.maxBatchSize, maxLatencyMs: opts.maxLatencyMs! } } : {}),
    },
    ...(opts.traffic ? { trafficSplit: opts.traffic } : {}),
  };
  const started = await ctx.client.request<Operation>('POST', `${endpointPath(project, name)}:deployModel`, { body });
  const id = operationId(started.name);
  if (!opts.wait) {
    emit(ctx.json, started, () => say(`Deploying ${opts.model} on ${name}: operation ${id}. Follow it with rouge operations wait ${id}.`));
    return;
  }
  const op = await waitForOperation(ctx.client, started.name, { timeoutMs: opts.timeout, interruptNote: (op) => `the deploy goes on (rouge operations wait ${op})` });
  if (ctx.json) printJson(op);
  if (op.error) {
    throw new CliError(`the deploy of ${opts.model} on ${name} failed: ${formatOperationError(op.error)}`, ExitCode.API_ERROR, [
      `the failed deployed model stays listed as FAILED: rouge endpoints get ${name}`,
    ]);
  }
  if (ctx.json) return;
  const deployed = op.response as DeployedModel;
  const endpoint = await ctx.client.request<Endpoint>('GET', endpointPath(project, name));
  say(`Deployed ${refOf(deployed)} on ${name} as deployed model ${deployed.id}.`);
  say(`traffic: ${formatSplit(endpoint.trafficSplit)}`);
}

/** `rouge endpoints ...`: where deployed models answer predictions. */
export function registerEndpointCommands(program: Command): void {
  const endpoints = program.command('endpoints').description("create endpoints, deploy model versions behind them, and move their traffic");

  apiCommand(endpoints, 'create <endpoint>', 'create an endpoint (no models yet: deploy one next)')
    .option('--display-name <text>', 'human-readable name (default: the name)')
    .option('--label <key=value>', 'label the endpoint (repeatable), such as team=recs', labelPair)
    .option('--request-logging <rate>', 'log this share of requests and responses to the blob store, from 0 to 1 (default 0: off)', samplingRate)
    .action(async (name: string, opts: GlobalFlags & { displayName?: string; label?: Record<string, string>; requestLogging?: number }) => {
      endpointName(name);
      const ctx = resolveContext(opts);
      const project = requireProject(ctx);
      const e = await ctx.client.request<Endpoint>('POST', endpointsPath(project), {
        body: { name, displayName: opts.displayName, labels: opts.label, ...(opts.requestLogging !== undefined ? { requestLogging: { samplingRate: opts.requestLogging } } : {}) },
      });
      emit(ctx.json, e, () => {
        say(`Created endpoint ${e.endpointId}. Next: rouge endpoints deploy ${e.endpointId} --model <model>@<version> --traffic 0=100.`);
        printFields(endpointFields(e));
      });
    });

  apiCommand(endpoints, 'list', 'list the endpoints of --project').action(async (opts: GlobalFlags) => {
    const ctx = resolveContext(opts);
    const project = requireProject(ctx);
    const body = await ctx.client.listAll(endpointsPath(project), 'endpoints');
    emit(ctx.json, body, () => {
      const rows = (body.endpoints as Endpoint[]).map((e) => [
        e.endpointId,
        e.displayName,
        e.deployedModels.map((d) => `${refOf(d)}${d.state === 'READY' ? '' : ` (${d.state})`}`).join(', ') || '-',
        formatSplit(e.trafficSplit),
        shortTime(e.createTime),
      ]);
      printTable(['ENDPOINT', 'DISPLAY NAME', 'DEPLOYED', 'TRAFFIC', 'CREATED'], rows, `No endpoints in project ${project}; create one with rouge endpoints create <endpoint>.`);
    });
  });

  apiCommand(endpoints, 'get <endpoint>', 'show an endpoint: its deployed models, their state and the traffic split').action(async (name: string, opts: GlobalFlags) => {
    endpointName(name);
    const ctx = resolveContext(opts);
    const project = requireProject(ctx);
    const e = await ctx.client.request<Endpoint>('GET', endpointPath(project, name));
    emit(ctx.json, e, () => printEndpoint(e));
  });

  apiCommand(endpoints, 'delete <endpoint>', 'delete an endpoint (refused while models are deployed on it)').action(async (name: string, opts: GlobalFlags) => {
    endpointName(name);
    const ctx = resolveContext(opts);
    const project = requireProject(ctx);
    const body = await ctx.client.request('DELETE', endpointPath(project, name));
    emit(ctx.json, body, () => say(`Deleted endpoint ${name}.`));
  });

  apiCommand(endpoints, 'deploy <endpoint>', 'deploy a model version on the endpoint and wait until it serves (its Operation)')
    .requiredOption('--model <model>', 'the version to deploy: ctr@3, ctr@champion (resolved now), or ctr (its default)')
    .option('--traffic <id=percent>', 'the new traffic split (repeatable); 0 is the model being deployed, such as --traffic 0=10 --traffic 4821095730=90 (default: unchanged)', trafficPair)
    .option('--max-batch-size <n>', 'batch concurrent requests, up to this many rows (with --max-latency-ms)', positiveInt)
    .option('--max-latency-ms <ms>', 'how long a request may wait for others to batch with', latencyMs)
    .option('--display-name <text>', 'name of the deployed model (default: ctr@3)')
    .option('--no-wait', 'print the Operation and return at once')
    .option('--timeout <duration>', 'stop waiting after this long, such as 90s or 10m (the deploy goes on)', timeoutMs)
    .addHelpText('after', [
      '',
      'Traffic moves to the new model only once it is loaded and warmed; if it fails to load, the',
      'command exits 1 and the traffic split is unchanged.',
      'Examples:',
      '  rouge endpoints deploy ctr-prod --model ctr@champion --traffic 0=100',
      '  rouge endpoints deploy ctr-prod --model ctr@4 --traffic 0=10 --traffic 4821095730=90    # a canary',
    ].join('\n'))
    .action(deploy);

  apiCommand(endpoints, 'undeploy <endpoint> <deployedModelId>', 'take a deployed model off the endpoint')
    .option('--traffic <id=percent>', 'the split to use without it (repeatable); needed when it has some, but not all, of the traffic', trafficPair)
    .action(async (name: string, id: string, opts: GlobalFlags & { traffic?: Record<string, number> }) => {
      endpointName(name);
      if (!DEPLOYED_ID.test(id)) throw usageError(`${JSON.stringify(id)} is not a deployed model id`, `the ids are in the DEPLOYED MODEL column of rouge endpoints get ${name}`);
      const ctx = resolveContext(opts);
      const project = requireProject(ctx);
      const e = await ctx.client.request<Endpoint>('POST', `${endpointPath(project, name)}:undeployModel`, { body: { deployedModelId: id, ...(opts.traffic ? { trafficSplit: opts.traffic } : {}) } });
      emit(ctx.json, e, () => {
        say(`Undeployed ${id} from ${name}.`);
        say(`traffic: ${formatSplit(e.trafficSplit)}`);
      });
    });

  apiCommand(endpoints, 'split <endpoint>', "set the endpoint's traffic split: promote a canary, or roll back")
    .requiredOption('--traffic <id=percent>', 'deployed model id = percent (repeatable); the percentages add up to 100', trafficPair)
    .addHelpText('after', '\nExamples:\n  rouge endpoints split ctr-prod --traffic 5930284711=100    # promote\n  rouge endpoints split ctr-prod --traffic 4821095730=100    # roll back')
    .action(async (name: string, opts: GlobalFlags & { traffic: Record<string, number> }) => {
      endpointName(name);
      if (Object.keys(opts.traffic).includes('0')) {
        throw usageError('0 means "the model being deployed" and only applies to rouge endpoints deploy', `name deployed model ids, as listed by rouge endpoints get ${name}`);
      }
      const ctx = resolveContext(opts);
      const project = requireProject(ctx);
      const e = await ctx.client.request<Endpoint>('PATCH', endpointPath(project, name), { query: { updateMask: 'trafficSplit' }, body: { trafficSplit: opts.traffic } });
      emit(ctx.json, e, () => say(`${name} traffic: ${formatSplit(e.trafficSplit)}`));
    });
}
