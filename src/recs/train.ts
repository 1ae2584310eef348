import { buildBasketLists } from './baskets.js';
import { buildContentLists } from './content.js';
import { buildCorpus, buildPostings, popularity, trendingScores } from './corpus.js';
import { RecsModel, type ModelData } from './model.js';
import type { NeighbourLists } from './neighbours.js';
import { blendOf, resolveOptions, type BlendWeights, type TrainOptions } from './options.js';
import { seededRandom } from './random.js';
import { buildSequenceLists } from './sequential.js';
import { tuneBlend, type IndexedCase } from './tune.js';
import type { ProgressFn, TrainInput, UserSequence } from './types.js';

/**
 * Trains a recommender: sequential rules, co-occurrence, content and basket
 * neighbour lists, popularity and trending, blended with weights tuned on
 * held-out next items (unless `tune: false`). Without `input.validation`,
 * tuning holds out the last item of every sequence of three or more,
 * trains on the rest, tunes, and then trains again on everything, so the
 * tuned weights never saw their own targets.
 *
 * @example
 * const model = trainRecs({ sequences: [{ user: 'u1', items: ['a', 'b', 'c'] }] });
 * model.recommend([model.indexOf('a')], 10);
 */
export function trainRecs(input: TrainInput, options: TrainOptions = {}, onProgress?: ProgressFn): RecsModel {
  const o = resolveOptions(options);
  const blend = blendOf(o);
  const tunable = tunableWeights(input, options);
  if (!o.tune || tunable.length === 0) return fit(input, o, blend, undefined, onProgress);
  if (input.validation && input.validation.length > 0) {
    const model = fit(input, o, blend, undefined, onProgress);
    const cases = sample(input.validation.map((v) => ({ history: v.items.map((id) => model.indexOf(id)), target: model.indexOf(v.target) })), o.tuneUsers, o.seed);
    model.stats.validation = tuneBlend(model, cases, tunable, (d, t) => onProgress?.('tune', d, t));
    return model;
  }
  const held: UserSequence[] = [];
  const targets: string[] = [];
  for (const s of input.sequences) {
    if (s.items.length < 3) continue;
    held.push({ ...s, items: s.items.slice(0, -1), times: s.times?.slice(0, -1), weights: s.weights?.slice(0, -1) });
    targets.push(s.items[s.items.length - 1]!);
  }
  if (held.length === 0) return fit(input, o, blend, undefined, onProgress);
  const heldModel = fit({ ...input, sequences: held, validation: undefined }, o, blend, undefined, onProgress);
  const cases = sample(held.map((s, k) => ({ history: s.items.map((id) => heldModel.indexOf(id)), target: heldModel.indexOf(targets[k]!) })), o.tuneUsers, o.seed);
  const validation = tuneBlend(heldModel, cases, tunable, (d, t) => onProgress?.('tune', d, t));
  // Content lists depend on the data only through the popularity boost: reusing the held-out model's saves a third of training time.
  return fit(input, o, heldModel.data.blend, validation, onProgress, heldModel.data);
}

// Weights worth tuning: the ones the caller did not pin, for signals the input has.
function tunableWeights(input: TrainInput, options: TrainOptions): (keyof BlendWeights)[] {
  const keys: (keyof BlendWeights)[] = ['preceding', 'cooccurrence', 'historyDecay', 'popularity'];
  if (input.content?.some((c) => c.tokens.length > 0)) keys.push('content');
  if (input.baskets?.length) keys.push('basket');
  return keys.filter((k) => options[k] === undefined);
}

function sample<T>(xs: T[], max: number, seed: number): T[] {
  if (xs.length <= max) return xs;
  const random = seededRandom(seed);
  const copy = xs.slice();
  for (let i = 0; i < max; i++) {
    const j = i + Math.floor(random() * (copy.length - i));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, max);
}

function fit(input: TrainInput, o: Required<TrainOptions>, blend: BlendWeights, validation: Record<string, number> | undefined, onProgress?: ProgressFn, reuse?: ModelData): RecsModel {
  const corpus = buildCorpus(input);
  const n = corpus.ids.length;
  const index = new Map(corpus.ids.map((id, i) => [id, i]));
  const indexOf = (id: string) => index.get(id) ?? -1;
  const pop = popularity(corpus, n);
  const trend = trendingScores(corpus, n, o.trendingHalfLifeDays);
  const post = buildPostings(corpus, n);
  const lists = buildSequenceLists(corpus, post, pop, o, onProgress);
  const content = reuse && reuse.ids.length === n ? remapLists(reuse.content, reuse.ids, indexOf) : buildContentLists(input.content ?? [], indexOf, pop, o, onProgress);
  const basket = buildBasketLists((input.baskets ?? []).map((b) => b.map(indexOf)), n, o.neighbours);
  const options: Record<string, unknown> = { ...o };
  Object.assign(options, blend);
  return new RecsModel({
    ids: corpus.ids,
    pop,
    trend,
    popOrder: orderBy(pop),
    trendOrder: orderBy(trend),
    ...lists,
    content,
    basket,
    blend: { ...blend },
    historyLength: o.historyLength,
    stats: {
      items: n,
      users: input.sequences.length,
      interactions: corpus.items.length,
      trainedAt: new Date().toISOString(),
      ...(validation ? { validation } : {}),
      options,
    },
  });
}

// Item indices by value, highest first; ties by index so the order is stable.
function orderBy(values: Float32Array): Int32Array {
  const order = Int32Array.from({ length: values.length }, (_, i) => i);
  return order.sort((a, b) => values[b]! - values[a]! || a - b);
}

// The same lists under another model's item indices (the held-out model may number items differently).
function remapLists(l: NeighbourLists, ids: string[], indexOf: (id: string) => number): NeighbourLists {
  const n = ids.length;
  const from = new Int32Array(n);
  ids.forEach((id, i) => (from[indexOf(id)] = i));
  const offsets = new Uint32Array(n + 1);
  const idx = new Int32Array(l.idx.length);
  const val = new Float32Array(l.val.length);
  let at = 0;
  for (let a = 0; a < n; a++) {
    const old = from[a]!;
    for (let j = l.offsets[old]!; j < l.offsets[old + 1]!; j++, at++) {
      idx[at] = indexOf(ids[l.idx[j]!]!);
      val[at] = l.val[j]!;
    }
    offsets[a + 1] = at;
  }
  return { offsets, idx, val };
}
