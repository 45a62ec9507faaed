/**
 * "Did you mean …?" suggestions for template variables, tags and filters: the edit distance
 * (src/core/suggest.ts) to every known name, keeping the closest one if it is close enough to be
 * a typo rather than a different word.
 */
import { editDistance, withinReach } from '../core/suggest.js';

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
export function closestPath(input: string, candidates: Iterable<string>): string | undefined {
  const wanted = split(input);
  let best: { candidate: string; score: number } | undefined;
  for (const candidate of candidates) {
    const { root, leaf } = split(candidate);
    const distance = editDistance(wanted.leaf, leaf);
    const truncated = wanted.leaf.length >= 3 && leaf.startsWith(wanted.leaf);
    if (!truncated && !withinReach(wanted.leaf, leaf, distance)) continue;
    const score = distance + (root === wanted.root ? 0 : 0.5);
    if (score < (best?.score ?? Infinity)) best = { candidate, score };
  }
  return best?.candidate;
}
