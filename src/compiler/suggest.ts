/** "Did you mean …?" hints for the compiler and CLI: the closest known name by edit distance (src/core/suggest.ts). */
import { editDistance } from '../core/suggest.js';

/** The closest candidate, if it is close enough to be a plausible typo. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  const lower = word.toLowerCase();
  for (const c of candidates) {
    const d = c.toLowerCase() === lower ? 0 : editDistance(lower, c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  const limit = Math.max(2, Math.floor(word.length / 3));
  return best !== undefined && bestD <= limit ? best : undefined;
}

export function didYouMean(word: string, candidates: Iterable<string>, fallback?: string): string | undefined {
  const list = [...candidates];
  const c = closest(word, list);
  if (c !== undefined) return `did you mean \`${c}\`?`;
  return fallback ?? (list.length > 0 && list.length <= 12 ? `known: ${list.join(', ')}` : undefined);
}
