/** "Did you mean …?" hints for the compiler and CLI: the closest known name by edit distance (src/core/suggest.ts). */
import { closestName } from '../core/suggest.js';

/** The closest candidate, if it is close enough to be a plausible typo (the one rule: src/core/suggest.ts). */
export const closest = closestName;

export function didYouMean(word: string, candidates: Iterable<string>, fallback?: string): string | undefined {
  const list = [...candidates];
  const c = closest(word, list);
  if (c !== undefined) return `did you mean \`${c}\`?`;
  return fallback ?? (list.length > 0 && list.length <= 12 ? `known: ${list.join(', ')}` : undefined);
}
