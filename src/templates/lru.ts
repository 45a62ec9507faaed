/**
 * Memoisation with a bound, on lru-cache: rendering is hot (one render per send), so parsed
 * templates and Intl formatters are kept; the bound keeps a long-running worker from growing
 * without limit when many template versions pass through it. Adds what the callers share: get
 * or make in one call, and hit/miss counts for tests and metrics.
 */
import { LRUCache } from 'lru-cache';

export class LruCache<K extends NonNullable<unknown>, V extends NonNullable<unknown>> {
  readonly #entries: LRUCache<K, V>;
  #hits = 0;
  #misses = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`LRU capacity must be a positive integer, got ${capacity}`);
    this.#entries = new LRUCache<K, V>({ max: capacity });
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Counters since creation, for tests and metrics. */
  stats(): { size: number; hits: number; misses: number } {
    return { size: this.#entries.size, hits: this.#hits, misses: this.#misses };
  }

  has(key: K): boolean {
    return this.#entries.has(key);
  }

  /** The cached value for `key`, computed by `make` (and stored) on a miss. */
  getOrCreate(key: K, make: (key: K) => V): V {
    const cached = this.#entries.get(key);
    if (cached !== undefined) {
      this.#hits++;
      return cached;
    }
    this.#misses++;
    const value = make(key);
    this.#entries.set(key, value);
    return value;
  }
}
