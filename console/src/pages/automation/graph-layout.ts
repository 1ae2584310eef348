/** Where a step sits in the run graph: its dependency depth and its place among the steps of that depth. */
export interface Placed {
  name: string;
  level: number;
  index: number;
  /** How many steps share the level, to centre each column. */
  levelSize: number;
}

/**
 * Places steps by topological depth (a step with no needs is level 0, any
 * other one more than its deepest need), keeping the pipeline's order within
 * a level. Needs that name no step (never, the API checks) count as level 0.
 */
export function placeSteps(steps: ReadonlyArray<{ name: string; needs: readonly string[] }>): Placed[] {
  const byName = new Map(steps.map((s) => [s.name, s]));
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  const levelOf = (name: string): number => {
    const known = depth.get(name);
    if (known !== undefined) return known;
    const step = byName.get(name);
    // A cycle cannot be applied; guard anyway so a bad answer cannot hang the page.
    if (!step || visiting.has(name)) return 0;
    visiting.add(name);
    const level = step.needs.length === 0 ? 0 : 1 + Math.max(...step.needs.map(levelOf));
    visiting.delete(name);
    depth.set(name, level);
    return level;
  };
  const counts = new Map<number, number>();
  const placed = steps.map((s) => {
    const level = levelOf(s.name);
    const index = counts.get(level) ?? 0;
    counts.set(level, index + 1);
    return { name: s.name, level, index, levelSize: 0 };
  });
  for (const p of placed) p.levelSize = counts.get(p.level)!;
  return placed;
}
