import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isSeq, LineCounter, parseAllDocuments, type Node } from 'yaml';
import { CliError, ExitCode, usageError } from '../kit/exit.js';

/**
 * The files of `rouge apply`: YAML (or JSON) documents of the form
 * `{kind, metadata: {project, name, ...}, spec}`, where `spec` is the body
 * the API's create call takes. Every document remembers its file and can name
 * the line of any of its fields, so a problem points at what to fix.
 */
export interface Doc {
  kind: string;
  metadata: Record<string, unknown>;
  spec: Record<string, unknown>;
  file: string;
  /** `file:line` of a path in the document (`['spec', 'pipeline']`), or of the document itself. */
  at(path?: Array<string | number>): string;
}

/** Problems found in the files; each names its file and line. Nothing is applied when there are any. */
export class Problems {
  readonly list: string[] = [];
  add(where: string, message: string): void {
    this.list.push(`${where}: ${message}`);
  }
  /** Throws the problems as one error (exit 2, or 3 when `auth`). */
  throwIfAny(auth = false): void {
    if (!this.list.length) return;
    const n = this.list.length;
    throw new CliError(`${n} problem${n === 1 ? '' : 's'} in the files; nothing was applied`, auth ? ExitCode.AUTH : ExitCode.USAGE, this.list);
  }
}

const FILE = /\.(ya?ml|json)$/i;

/** The files under each path: a file as given, a directory's YAML and JSON files (recursively), in name order. */
export function filesOf(paths: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (p: string, given: boolean) => {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw usageError(`${p} does not exist`, 'pass a file or a directory of .yaml files with -f');
    }
    if (st.isDirectory()) for (const e of readdirSync(p).sort()) walk(join(p, e), false);
    else if (given || FILE.test(p)) out.push(p);
  };
  for (const p of paths) walk(p, true);
  return out;
}

/** Parses every document of every file; syntax and shape problems go to `problems`. */
export function loadDocuments(paths: readonly string[], problems: Problems): Doc[] {
  const docs: Doc[] = [];
  for (const file of filesOf(paths)) {
    const lines = new LineCounter();
    const parsed = parseAllDocuments(readFileSync(file, 'utf8'), { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
    const all = Array.isArray(parsed) ? parsed : [];
    if (!Array.isArray(parsed)) problems.add(`${file}:1`, 'not a YAML stream');
    for (const d of all) {
      const line = (n: Node | null | undefined) => lines.linePos(n?.range?.[0] ?? d.range[0]).line;
      if (d.errors.length) {
        problems.add(`${file}:${lines.linePos(d.errors[0]!.pos[0]).line}`, d.errors[0]!.message.split('\n')[0]!);
        continue;
      }
      const value = d.toJS() as unknown;
      if (value === null || value === undefined) continue;
      const at = (path: Array<string | number> = []) => {
        let node: unknown = d.contents;
        for (const k of path) {
          const next = isMap(node) ? node.get(k, true) : isSeq(node) ? node.get(Number(k), true) : undefined;
          if (next === undefined) break;
          node = next;
        }
        return `${file}:${line(node as Node)}`;
      };
      if (typeof value !== 'object' || Array.isArray(value)) {
        problems.add(at(), 'a document must be a mapping with kind, metadata and spec');
        continue;
      }
      const v = value as Record<string, unknown>;
      const obj = (k: string) => (v[k] === undefined ? {} : typeof v[k] === 'object' && v[k] !== null && !Array.isArray(v[k]) ? (v[k] as Record<string, unknown>) : undefined);
      const metadata = obj('metadata');
      const spec = obj('spec');
      if (typeof v.kind !== 'string') problems.add(at(), 'the document has no kind');
      else if (!metadata) problems.add(at(['metadata']), 'metadata must be a mapping');
      else if (!spec) problems.add(at(['spec']), 'spec must be a mapping');
      else {
        const extra = Object.keys(v).filter((k) => !['kind', 'metadata', 'spec', 'apiVersion'].includes(k));
        if (extra.length) problems.add(at([extra[0]!]), `unknown top-level field ${extra[0]} (a document has kind, metadata and spec)`);
        else docs.push({ kind: v.kind, metadata, spec, file, at });
      }
    }
  }
  return docs;
}
