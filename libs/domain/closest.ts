/** Edit distance (insertions, deletions, substitutions; case-insensitive) between two short names. */
const distance = (a: string, b: string): number => {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let row = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const next = [i];
    for (let j = 1; j <= y.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    row = next;
  }
  return row[y.length];
};

/**
 * The candidate closest to `name`, for a "did you mean" hint; undefined when none is within `maxDistance` edits
 * (by default a third of the name's length, at least one: a likely typo). Names over 100 characters are not compared.
 */
export const closest = (
  name: string,
  candidates: readonly string[],
  maxDistance = Math.max(1, Math.floor(name.length / 3)),
): string | undefined => {
  if (name.length > 100) return undefined;
  let best: string | undefined;
  let bestDistance = maxDistance + 1;
  for (const c of candidates) {
    const d = distance(name, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
};
