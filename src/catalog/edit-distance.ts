/**
 * The Levenshtein distance between two words if it is at most `max`, else
 * `max + 1`: one row of the table, abandoned as soon as every cell of a row
 * exceeds the bound. Typo tolerance compares a query term with every
 * catalogue term of a close length, so most comparisons end after a row or two.
 */
export function boundedDistance(a: string, b: string, max: number, row: Int32Array = new Int32Array(b.length + 1)): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  for (let j = 0; j <= b.length; j++) row[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    let best = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      const cost = ca === b.charCodeAt(j - 1) ? 0 : 1;
      const v = Math.min(above + 1, row[j - 1]! + 1, diagonal + cost);
      row[j] = v;
      diagonal = above;
      if (v < best) best = v;
    }
    if (best > max) return max + 1;
  }
  return Math.min(row[b.length]!, max + 1);
}
