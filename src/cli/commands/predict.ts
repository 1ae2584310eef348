import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { apiCommand, seg } from '../kit/command.js';
import { requireProject, resolveContext } from '../kit/context.js';
import { usageError } from '../kit/exit.js';
import type { GlobalFlags } from '../kit/options.js';
import { emit, note } from '../kit/output.js';
import { rawRequest } from '../kit/raw.js';
import { endpointName } from './endpoints.js';

/** Vertex's PredictResponse, as :predict answers. */
interface PredictResponse {
  predictions: unknown[];
  deployedModelId: string;
  model: string;
  modelVersionId: string;
  modelDisplayName: string;
}

const INSTANCES_HINT = `pass a JSON array, one instance per row: --instances '[[0.1, 0.2, 0.3, 0.4]]', or a file with --instances @rows.json (@- reads stdin)`;

/** The text of `--instances`: inline JSON, `@file`, or `@-` for stdin. */
function readArgument(flag: string, text: string): { json: unknown; from: string } {
  let source = text;
  let from = flag;
  if (text.startsWith('@')) {
    const path = text.slice(1);
    from = path === '-' ? 'stdin' : path;
    try {
      source = readFileSync(path === '-' ? 0 : path, 'utf8');
    } catch (e) {
      throw usageError(`cannot read ${from}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, INSTANCES_HINT);
    }
  }
  try {
    return { json: JSON.parse(source), from };
  } catch (e) {
    throw usageError(`${from} is not JSON: ${(e as Error).message}`, flag === '--instances' ? INSTANCES_HINT : `pass a JSON object, such as ${flag} '{"threshold": 0.5}'`);
  }
}

/**
 * The request body: `--instances` is the list of instances, or a whole Vertex
 * request `{"instances": [...], "parameters": ...}` (what `gcloud ai
 * endpoints predict --json-request` reads), whose parameters --parameters
 * overrides.
 */
export function predictBody(instancesText: string, parametersText?: string): { instances: unknown[]; parameters?: unknown } {
  const { json, from } = readArgument('--instances', instancesText);
  let instances: unknown;
  let parameters: unknown;
  if (json !== null && typeof json === 'object' && !Array.isArray(json) && 'instances' in json) {
    ({ instances, parameters } = json as { instances: unknown; parameters?: unknown });
  } else {
    instances = json;
  }
  if (!Array.isArray(instances)) throw usageError(`${from} must be a list of instances (a JSON array), not ${instances === null ? 'null' : typeof instances === 'object' ? 'an object' : `a ${typeof instances}`}; for one instance write [${JSON.stringify(instances)}]`, INSTANCES_HINT);
  if (instances.length === 0) throw usageError(`${from} holds no instances: the list is empty`, INSTANCES_HINT);
  if (parametersText !== undefined) parameters = readArgument('--parameters', parametersText).json;
  return { instances, ...(parameters !== undefined ? { parameters } : {}) };
}

/** `rouge predict <endpoint> --instances ...`: Vertex AI online prediction. */
export function registerPredictCommand(program: Command): void {
  apiCommand(program, 'predict <endpoint>', "get predictions from an endpoint (Vertex AI :predict); one prediction per line")
    .requiredOption('--instances <json>', "the instances, as JSON ('[[0.1, 0.2, 0.3, 0.4]]'), or @file.json, or @- for stdin")
    .option('--parameters <json>', 'parameters for the model, as JSON or @file.json')
    .option('--routing-key <key>', 'send X-Rouge-Routing-Key, so this caller always lands on the same side of a traffic split')
    .addHelpText('after', [
      '',
      'Each prediction is printed as one line of JSON on stdout; which deployed model answered goes to',
      'stderr. --json prints the whole response.',
      'Examples:',
      "  rouge predict ctr-prod --instances '[[0.1, 0.2, 0.3, 0.4], [1, -1, 0.5, 2]]'",
      '  rouge predict ctr-prod --instances @request.json --json',
    ].join('\n'))
    .action(async (name: string, opts: GlobalFlags & { instances: string; parameters?: string; routingKey?: string }) => {
      endpointName(name);
      const body = predictBody(opts.instances, opts.parameters);
      const ctx = resolveContext(opts);
      const project = requireProject(ctx);
      const path = `/v1/projects/${seg(project)}/endpoints/${seg(name)}:predict`;
      let res: PredictResponse;
      if (opts.routingKey === undefined) {
        res = await ctx.client.request<PredictResponse>('POST', path, { body });
      } else {
        // ApiClient sends no extra headers; the raw request does, with the same key and error mapping.
        const bytes = Buffer.from(JSON.stringify(body));
        const raw = await rawRequest(ctx.client, 'POST', path, {
          headers: { 'content-type': 'application/json', accept: 'application/json', 'x-rouge-routing-key': opts.routingKey },
          body: new Blob([bytes]).stream(),
          contentLength: bytes.length,
          signal: AbortSignal.timeout(60_000),
        });
        res = (await raw.json()) as PredictResponse;
      }
      emit(ctx.json, res, () => {
        for (const p of res.predictions) process.stdout.write(`${JSON.stringify(p)}\n`);
        note(`${res.predictions.length} prediction${res.predictions.length === 1 ? '' : 's'} from deployed model ${res.deployedModelId} (${res.modelDisplayName}) on ${name}`);
      });
    });
}
