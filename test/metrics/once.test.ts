import { describe, expect, it } from 'vitest';
import { firstSighting } from '../../src/metrics/once.js';

describe('firstSighting', () => {
  it('is true once per key while the key is remembered', () => {
    const first = firstSighting(10);
    expect(first('a')).toBe(true);
    expect(first('a')).toBe(false);
    expect(first('b')).toBe(true);
  });

  it('forgets the least recently seen key beyond its bound', () => {
    const first = firstSighting(2);
    first('a');
    first('b');
    expect(first('a')).toBe(false); // seen again: b is now the least recent
    first('c'); // evicts b
    expect(first('a')).toBe(false);
    expect(first('b')).toBe(true);
  });
});
