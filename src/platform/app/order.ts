import type { RougeModule } from '../modules/index.js';

/**
 * The modules in an order where each comes after the modules it requires,
 * otherwise as given. A module listed twice, one that requires a module not
 * in the list, or a cycle is a wiring mistake and throws with the names.
 */
export function orderModules(modules: readonly RougeModule<any>[]): RougeModule<any>[] {
  const byName = new Map<string, RougeModule<any>>();
  for (const m of modules) {
    if (!/^[a-z][a-z0-9-]*$/.test(m.name)) throw new Error(`module name ${JSON.stringify(m.name)} must be lower-case letters, digits and hyphens`);
    if (byName.has(m.name)) throw new Error(`module ${m.name} is listed twice`);
    byName.set(m.name, m);
  }
  const out: RougeModule<any>[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (m: RougeModule<any>, path: string[]) => {
    if (state.get(m.name) === 'done') return;
    if (state.get(m.name) === 'visiting') throw new Error(`modules require each other in a cycle: ${[...path, m.name].join(' -> ')}`);
    state.set(m.name, 'visiting');
    for (const dep of m.requires ?? []) {
      if (byName.get(dep.name) !== dep) throw new Error(`module ${m.name} requires ${dep.name}, which is not in the app's module list`);
      visit(dep, [...path, m.name]);
    }
    state.set(m.name, 'done');
    out.push(m);
  };
  for (const m of modules) visit(m, []);
  return out;
}
