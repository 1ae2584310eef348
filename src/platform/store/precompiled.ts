import type { Compilable, CompiledQuery, Kysely } from 'kysely';

/** A query compiled once; `run` takes the values of its stand-ins, in order. */
export type Precompiled<Row> = (...values: unknown[]) => Promise<Row[]>;

/**
 * Builds and compiles a query once with `arity` stand-in values, and runs it
 * with real ones: a hot path's small lookup then skips Kysely's builder and
 * compiler, which cost as much as SQLite answering it. The SQL is the
 * dialect's own (Kysely compiled it), so both stores run the same code.
 *
 * `build` receives the stand-ins (strings found nowhere else) and must use
 * each as a value exactly where the real value goes; a stand-in the compiled
 * query does not carry as a parameter is a mistake, thrown at once.
 */
export function precompile<Row>(db: Kysely<any>, arity: number, build: (...standIns: string[]) => Compilable<Row>): Precompiled<Row> {
  const standIns = Array.from({ length: arity }, (_, i) => `\u0000rouge-stand-in-${i}\u0000`);
  const compiled: CompiledQuery<Row> = build(...standIns).compile();
  const from = compiled.parameters.map((p) => standIns.indexOf(p as string));
  const missing = standIns.findIndex((_, i) => !from.includes(i));
  if (missing >= 0) throw new Error(`precompile: stand-in ${missing} is not a parameter of: ${compiled.sql}`);
  return async (...values) => {
    const parameters = from.map((k, j) => (k < 0 ? compiled.parameters[j] : values[k]));
    return (await db.executeQuery<Row>({ ...compiled, parameters })).rows;
  };
}
