/**
 * "Did you mean …?" for misspelt names in expressions and templates: the closest known name by
 * edit distance, ignoring case, when it is close enough to be a plausible typo.
 * Workflow-safe: pure.
 */

/**
 * Edit distance: insertions, deletions, substitutions and swaps of two neighbours each cost 1
 * (Levenshtein plus transpositions, the "optimal string alignment" variant), so the classic
 * typo `emial` is one edit from `email`.
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const above = rows[i - 1] ?? [];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((above[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (above[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, (rows[i - 2]?.[j - 2] ?? 0) + 1);
      }
      row.push(d);
    }
    rows.push(row);
  }
  return rows[a.length]?.[b.length] ?? 0;
}

/**
 * Whether `candidate` is close enough to `input` to read as its typo rather than another word:
 * a few edits (a third of the input's length, at least 2), fewer than the input has letters, and
 * fewer than a very short name has letters ("BYY" finds "BY", but "a" is not a typo of "id"). Modelled on TypeScript's spelling
 * suggestions; the one rule of every "did you mean" in Settle.
 */
export function withinReach(input: string, candidate: string, distance: number): boolean {
  if (candidate.length < 3) return distance < candidate.length;
  return distance <= Math.max(2, Math.floor(input.length / 3)) && distance < input.length;
}

/** The candidate closest to `name` (ignoring case) within reach, or undefined. Ties go to the earlier candidate. */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  const wanted = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const lower = candidate.toLowerCase();
    const d = editDistance(wanted, lower);
    if (withinReach(wanted, lower, d) && d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** "did you mean `x`?" for the closest candidate, else `fallback`, else the short list of known names. */
export function didYouMean(word: string, candidates: Iterable<string>, fallback?: string): string | undefined {
  const list = [...candidates];
  const c = closestName(word, list);
  if (c !== undefined) return `did you mean \`${c}\`?`;
  return fallback ?? (list.length > 0 && list.length <= 12 ? `known: ${list.join(', ')}` : undefined);
}
