/**
 * A bounded set that forgets its least recently seen keys: the dispatcher's memory of recent hits
 * (memory stays bounded). A Map keeps insertion order, so re-inserting a key on every
 * sighting makes its first entry the least recently seen one.
 */
export class RecentKeys {
  private readonly keys = new Map<string, true>();

  constructor(private readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError('RecentKeys needs a positive size');
  }

  /** True when `key` was seen recently (and marks it seen again). */
  seen(key: string): boolean {
    if (!this.keys.has(key)) return false;
    this.keys.delete(key);
    this.keys.set(key, true);
    return true;
  }

  add(key: string): void {
    this.keys.delete(key);
    this.keys.set(key, true);
    if (this.keys.size > this.max) {
      const oldest = this.keys.keys().next();
      if (!oldest.done) this.keys.delete(oldest.value);
    }
  }

  delete(key: string): void {
    this.keys.delete(key);
  }

  get size(): number {
    return this.keys.size;
  }
}
