/**
 * "Did you mean …?" suggestions: the Levenshtein distance to every known name, keeping the
 * closest one if it is close enough to be a typo rather than a different word.
 */

/** Edit distance (insertions, deletions, substitutions) between `a` and `b`. */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * How far `candidate` may be from `input` (a word this long) and still read as its typo: a few
 * edits, fewer than the input has letters, and none at all to very short names ("a" is not a
 * typo of "id"). Modelled on TypeScript's spelling suggestions.
 */
function withinReach(input: string, candidate: string, distance: number): boolean {
  if (candidate.length < 3) return distance === 0;
  return distance <= Math.max(2, Math.floor(input.length / 3)) && distance < input.length;
}

function split(path: string): { root: string; leaf: string } {
  const lower = path.toLowerCase();
  return { root: lower.split('.')[0] ?? '', leaf: lower.slice(lower.lastIndexOf('.') + 1) };
}

/**
 * The candidate closest to `input` (case-insensitive), or undefined when none is close. Dotted
 * paths compare by their last segment, so `customer.firstName` and `firstName` both find
 * `debtor.firstName`; a truncated name (`debt.amount`) finds the one it starts; on a tie a
 * candidate under the same root wins.
 */
export function closest(input: string, candidates: Iterable<string>): string | undefined {
  const wanted = split(input);
  let best: { candidate: string; score: number } | undefined;
  for (const candidate of candidates) {
    const { root, leaf } = split(candidate);
    const distance = levenshtein(wanted.leaf, leaf);
    const truncated = wanted.leaf.length >= 3 && leaf.startsWith(wanted.leaf);
    if (!truncated && !withinReach(wanted.leaf, leaf, distance)) continue;
    const score = distance + (root === wanted.root ? 0 : 0.5);
    if (score < (best?.score ?? Infinity)) best = { candidate, score };
  }
  return best?.candidate;
}
