import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/core/duration.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('parseDuration', () => {
  it.each([
    ['30s', 30 * S],
    ['1m', M],
    ['90m', 90 * M],
    ['2h', 2 * H],
    ['3d', 3 * D],
    ['1w', 7 * D],
    ['0s', 0],
  ])('%s → %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it('treats m as minutes and d, w as exact multiples of 24 h', () => {
    expect(parseDuration('1m')).toBe(60_000);
    expect(parseDuration('1d')).toBe(86_400_000);
    expect(parseDuration('2w')).toBe(14 * 86_400_000);
  });

  it.each(['', '3', 'd', '3 d', ' 3d', '3d ', '-1d', '+1d', '1.5h', '1h30m', '3D', '3ms', '3y', '3 days', '1e3s'])(
    'rejects %j',
    (text) => {
      expect(parseDuration(text)).toBeUndefined();
    },
  );

  it('rejects amounts beyond safe integer milliseconds', () => {
    expect(parseDuration('99999999999999w')).toBeUndefined();
  });
});

describe('formatDuration', () => {
  it.each([
    [259_200_000, '3d'],
    [90_000, '90s'],
    [604_800_000, '1w'],
    [1_209_600_000, '2w'],
    [8 * D, '8d'],
    [36 * H, '36h'],
    [H, '1h'],
    [5 * M, '5m'],
    [0, '0s'],
    [1500, '1500ms'],
    [-2 * H, '-2h'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('refuses non-finite amounts', () => {
    expect(() => formatDuration(Number.NaN)).toThrow(RangeError);
  });

  it('round-trips with parseDuration for whole seconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), (seconds) => {
        expect(parseDuration(formatDuration(seconds * S))).toBe(seconds * S);
      }),
    );
  });
});
