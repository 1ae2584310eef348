import { Ajv } from 'ajv';
import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import * as errors from './errors.js';
import type { StepKind } from './kinds.js';
import { parseRef, refsIn } from './refs.js';
import { PipelineSpec } from './spec.js';

const ajv = new Ajv({ allErrors: false, strict: false });
const checkShape = ajv.compile(PipelineSpec as object);
const inputAjv = new Ajv({ allErrors: true, strict: false });
const inputCheckers = new WeakMap<object, ReturnType<Ajv['compile']>>();

/** Where a path of a parsed file is, for messages: `steps[2].needs[0] (line 14)`. */
export type Locate = (path: Array<string | number>) => string;

/**
 * A pipeline file's text as a value, with a way to name a place in it by
 * line: YAML (JSON is YAML too). A file that does not parse is
 * PIPELINE_INVALID at the line the parser stopped.
 */
export function parsePipelineText(text: string): { value: unknown; locate: Locate } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const at = lines.linePos(e.pos[0]);
    throw errors.PIPELINE_INVALID({ where: `line ${at.line}`, why: e.message.split('\n')[0]! });
  }
  const locate: Locate = (path) => {
    let node: unknown = doc.contents;
    for (const k of path) {
      if (isMap(node)) node = node.get(k, true);
      else if (isSeq(node)) node = node.get(Number(k), true);
      else break;
    }
    const range = (node as Node | undefined)?.range;
    return `${pathText(path)}${range ? ` (line ${lines.linePos(range[0]).line})` : ''}`;
  };
  return { value: doc.toJS(), locate };
}

/** `steps[2].needs[0]` */
export function pathText(path: Array<string | number>): string {
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('') || 'the top';
}

/**
 * Checks a pipeline as a whole before anything is saved: its shape, unique
 * step names, needs that name steps, no cycle, known kinds with valid
 * inputs, references to parameters that exist and to steps upstream, and the
 * permission some kinds need. Each error names the place in the file.
 */
export function validatePipeline(value: unknown, kinds: ReadonlyMap<string, StepKind>, locate: Locate = pathText, may: (permission: string) => boolean = () => true): PipelineSpec {
  if (!checkShape(value)) {
    const e = checkShape.errors![0]!;
    const path = e.instancePath.split('/').slice(1).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
    const extra = e.keyword === 'additionalProperties' ? `: unknown field ${JSON.stringify((e.params as { additionalProperty: string }).additionalProperty)}` : '';
    throw errors.PIPELINE_INVALID({ where: locate(path), why: `${e.message ?? 'invalid'}${extra}` });
  }
  const spec = value as PipelineSpec;
  const params = spec.parameters ?? {};
  for (const [name, p] of Object.entries(params)) {
    if (p.default !== undefined && !typeMatches(p.type, p.default)) throw errors.PIPELINE_INVALID({ where: locate(['parameters', name, 'default']), why: `the default ${JSON.stringify(p.default)} is not a ${p.type}` });
  }
  const index = new Map<string, number>();
  spec.steps.forEach((s, i) => {
    if (index.has(s.name)) throw errors.PIPELINE_INVALID({ where: locate(['steps', i, 'name']), why: `two steps are named ${s.name}` });
    index.set(s.name, i);
  });
  spec.steps.forEach((s, i) => {
    (s.needs ?? []).forEach((n, j) => {
      if (!index.has(n)) throw errors.PIPELINE_INVALID({ where: locate(['steps', i, 'needs', j]), why: `step ${s.name} needs ${n}, which is not a step of this pipeline (${[...index.keys()].join(', ')})` });
    });
  });
  const cycle = findCycle(spec);
  if (cycle) throw errors.PIPELINE_INVALID({ where: locate(['steps', index.get(cycle[0]!)!, 'needs']), why: `the steps form a cycle: ${cycle.join(' -> ')}` });
  spec.steps.forEach((s, i) => {
    const kind = kinds.get(s.kind);
    if (!kind) throw errors.PIPELINE_INVALID({ where: locate(['steps', i, 'kind']), why: `there is no step kind ${s.kind} (known: ${[...kinds.keys()].sort().join(', ')})` });
    if (kind.unavailable) throw errors.COMMAND_STEPS_FORBIDDEN({ step: s.name, why: kind.unavailable });
    if (kind.permission && !may(kind.permission)) throw errors.COMMAND_STEPS_FORBIDDEN({ step: s.name, why: `defining one needs the permission ${kind.permission}, which your key does not hold (orgAdmin has it)` });
    const upstream = ancestors(spec, s.name);
    for (const expr of refsIn(s.with ?? {})) {
      const r = parseRef(expr);
      const where = locate(['steps', i, 'with']);
      if ('error' in r) throw errors.PIPELINE_INVALID({ where, why: r.error });
      if (r.kind === 'parameter' && !Object.hasOwn(params, r.name)) throw errors.PIPELINE_INVALID({ where, why: `\${{ ${expr} }}: the pipeline has no parameter ${r.name}` });
      if (r.kind === 'step' && !upstream.has(r.step)) throw errors.PIPELINE_INVALID({ where, why: `\${{ ${expr} }}: ${r.step} is not a step that ${s.name} needs (directly or through others), so its outputs are not known when ${s.name} runs` });
    }
    let check = inputCheckers.get(kind.inputs);
    if (!check) inputCheckers.set(kind.inputs, (check = inputAjv.compile(kind.inputs)));
    // A referenced value is checked once resolved; here it only has to be there.
    const given = s.with ?? {};
    const e = check(withoutRefs(given)) ? undefined : check.errors!.find((x) => !(x.keyword === 'required' ? refAt(given, x.instancePath, (x.params as { missingProperty: string }).missingProperty) : isRef(valueAt(given, x.instancePath))));
    if (e) {
      const path = e.instancePath.split('/').slice(1);
      const extra = e.keyword === 'additionalProperties' ? `: unknown input ${JSON.stringify((e.params as { additionalProperty: string }).additionalProperty)}` : '';
      throw errors.PIPELINE_INVALID({ where: locate(['steps', i, 'with', ...path]), why: `a ${s.kind} step's input ${path.join('.') || ''} ${e.message ?? 'is invalid'}${extra}`.replace('  ', ' ') });
    }
  });
  return spec;
}

/**
 * Why a step's inputs, with references resolved, do not fit its kind
 * (a parameter that resolved to `-champion` where an alias goes), or undefined.
 */
export function resolvedInputsProblem(kind: StepKind, inputs: unknown): string | undefined {
  let check = inputCheckers.get(kind.inputs);
  if (!check) inputCheckers.set(kind.inputs, (check = inputAjv.compile(kind.inputs)));
  if (check(inputs)) return undefined;
  const e = check.errors![0]!;
  return `${e.instancePath.split('/').slice(1).join('.') || 'with'} ${e.message ?? 'is invalid'}`;
}

/** Whether a value is of a parameter type. */
export function typeMatches(type: string, v: unknown): boolean {
  if (type === 'integer') return Number.isInteger(v);
  if (type === 'number') return typeof v === 'number' && Number.isFinite(v);
  return typeof v === type;
}

/** Every step a step needs, directly or through others. */
export function ancestors(spec: PipelineSpec, step: string): Set<string> {
  const byName = new Map(spec.steps.map((s) => [s.name, s]));
  const out = new Set<string>();
  const stack = [...(byName.get(step)?.needs ?? [])];
  while (stack.length) {
    const n = stack.pop()!;
    if (out.has(n)) continue;
    out.add(n);
    stack.push(...(byName.get(n)?.needs ?? []));
  }
  return out;
}

function findCycle(spec: PipelineSpec): string[] | undefined {
  const byName = new Map(spec.steps.map((s) => [s.name, s]));
  const state = new Map<string, 1 | 2>();
  const path: string[] = [];
  const visit = (n: string): string[] | undefined => {
    if (state.get(n) === 2) return undefined;
    if (state.get(n) === 1) return [...path.slice(path.indexOf(n)), n];
    state.set(n, 1);
    path.push(n);
    for (const m of byName.get(n)?.needs ?? []) {
      const c = visit(m);
      if (c) return c;
    }
    path.pop();
    state.set(n, 2);
    return undefined;
  };
  for (const s of spec.steps) {
    const c = visit(s.name);
    if (c) return c.reverse();
  }
  return undefined;
}

const isRef = (x: unknown) => typeof x === 'string' && /^\$\{\{.*\}\}$/.test(x);

function valueAt(value: unknown, pointer: string): unknown {
  let v: unknown = value;
  for (const p of pointer.split('/').slice(1)) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
  return v;
}

/** Whether the inputs hold a reference at a JSON pointer's property. */
function refAt(value: unknown, pointer: string, key: string): boolean {
  const v = valueAt(value, pointer);
  return isRef(v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined);
}

/** Inputs without the values that are whole references (checked when resolved); in arrays they stay, as nulls, so indices hold. */
function withoutRefs(v: unknown): unknown {
  if (isRef(v)) return undefined;
  if (Array.isArray(v)) return v.map((x) => (isRef(x) ? null : withoutRefs(x)));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).flatMap(([k, x]) => (withoutRefs(x) === undefined ? [] : [[k, withoutRefs(x)]])));
  return v;
}
