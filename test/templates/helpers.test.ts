/** The small helpers: opt-out rules, locale choice, daysPastDue, suggestions, the LRU cache. */
import { describe, expect, it } from 'vitest';
import {
  chooseLocale,
  closestPath,
  daysPastDue,
  emailOptOutPresent,
  LruCache,
  smsOptOutPresent,
} from '../../src/templates/index.js';
import { editDistance } from '../../src/core/suggest.js';

describe('opt-out rules', () => {
  it('finds the SMS keyword as a whole, case-sensitive word', () => {
    expect(smsOptOutPresent('Pay now. Reply STOP to opt out')).toBe(true);
    expect(smsOptOutPresent('STOP')).toBe(true);
    expect(smsOptOutPresent('(STOP)')).toBe(true);
    expect(smsOptOutPresent('reply stop to opt out')).toBe(false);
    expect(smsOptOutPresent('STOPPED')).toBe(false);
    expect(smsOptOutPresent('NONSTOP')).toBe(false);
    expect(smsOptOutPresent('STOP_1')).toBe(false);
    expect(smsOptOutPresent('Répondez STOP au 36180', 'STOP')).toBe(true);
    expect(smsOptOutPresent('Antwoord UIT', 'UIT')).toBe(true);
    expect(smsOptOutPresent('UITSTEL', 'UIT')).toBe(false);
    expect(smsOptOutPresent('anything', '')).toBe(false);
    expect(smsOptOutPresent('cost 3$ a.b', 'a.b')).toBe(true);
    expect(smsOptOutPresent('axb', 'a.b')).toBe(false);
  });

  it('requires links.optOut in an email', () => {
    expect(emailOptOutPresent(['debtor.firstName', 'links.optOut'])).toBe(true);
    expect(emailOptOutPresent(['links.pay'])).toBe(false);
  });
});

describe('chooseLocale', () => {
  const available = ['en', 'fr', 'nl-BE'];
  it('prefers exact, then language, then the default', () => {
    expect(chooseLocale(available, 'nl-BE', 'en')).toBe('nl-BE');
    expect(chooseLocale(available, 'NL_be', 'en')).toBe('nl-BE');
    expect(chooseLocale(available, 'fr-CA', 'en')).toBe('fr');
    expect(chooseLocale(available, 'nl', 'en')).toBe('en');
    expect(chooseLocale(available, undefined, 'en')).toBe('en');
    expect(chooseLocale(available, '', 'en')).toBe('en');
  });
});

describe('daysPastDue', () => {
  it('counts calendar days in the zone', () => {
    expect(daysPastDue('2026-11-01', Date.parse('2026-11-01T00:00:00Z'))).toBe(0);
    expect(daysPastDue('2026-11-01', Date.parse('2026-10-31T23:59:59Z'))).toBe(-1);
    expect(daysPastDue('2026-11-01', Date.parse('2026-10-31T23:59:59Z'), 'Europe/Paris')).toBe(0);
    expect(daysPastDue('2026-03-01', Date.parse('2026-04-01T12:00:00Z'), 'Europe/Paris')).toBe(31); // across DST
    expect(daysPastDue('2025-11-01', Date.parse('2026-11-01T12:00:00Z'))).toBe(365);
    expect(daysPastDue('soon', 0)).toBeUndefined();
  });
});

describe('suggestions', () => {
  it('measures edit distance (a swap of two neighbours is one edit)', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
    expect(editDistance('emial', 'email')).toBe(1);
  });

  it('picks the closest plausible candidate', () => {
    expect(closestPath('upcas', ['downcase', 'upcase'])).toBe('upcase');
    expect(closestPath('x', ['id', 'sms'])).toBeUndefined();
    expect(closestPath('attributes.emial', ['debtor.email', 'attributes.email'])).toBe('attributes.email'); // same root wins a tie
  });
});

describe('LruCache', () => {
  it('evicts the least recently used entry', () => {
    const cache = new LruCache<string, number>(2);
    cache.getOrCreate('a', () => 1);
    cache.getOrCreate('b', () => 2);
    cache.getOrCreate('a', () => -1); // touch a
    cache.getOrCreate('c', () => 3);
    expect([cache.has('a'), cache.has('b'), cache.has('c')]).toEqual([true, false, true]);
    expect(cache.stats()).toEqual({ size: 2, hits: 1, misses: 3 });
    expect(() => new LruCache(0)).toThrow(RangeError);
  });
});
