/**
 * Counting each thing once: a bounded memory (lru-cache) of the keys already counted, so a
 * long-running process does not grow without limit. A key forgotten by the bound may count again.
 */
import { LRUCache } from 'lru-cache';

/** A test that is true the first time it sees a key, false while the key is remembered (the `max` most recent). */
export function firstSighting(max: number): (key: string) => boolean {
  const seen = new LRUCache<string, true>({ max });
  return (key) => {
    if (seen.get(key) !== undefined) return false;
    seen.set(key, true);
    return true;
  };
}
