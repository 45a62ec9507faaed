/**
 * A small least-recently-used map. Rendering is hot (one render per send), so parsed templates
 * and Intl formatters are memoised; a bound keeps a long-running worker from growing without
 * limit when many template versions pass through it.
 */
export class LruCache<K, V> {
  readonly #entries = new Map<K, V>();
  #hits = 0;
  #misses = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`LRU capacity must be a positive integer, got ${capacity}`);
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
    if (this.#entries.has(key)) {
      const value = this.#entries.get(key) as V;
      // Re-insert so that Map's insertion order doubles as recency order.
      this.#entries.delete(key);
      this.#entries.set(key, value);
      this.#hits++;
      return value;
    }
    this.#misses++;
    const value = make(key);
    this.#entries.set(key, value);
    if (this.#entries.size > this.capacity) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    return value;
  }
}
