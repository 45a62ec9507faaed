/** The payment page's language: from the debtor's locale when the link names one, else from Accept-Language. */
import { describe, expect, it } from 'vitest';
import { languageFromHeader, languageOf } from '../../src/server/pages/landing/texts.js';

describe('page language', () => {
  it('reads Accept-Language by q-value, region and wildcard, English when none of ours is asked for', () => {
    expect(languageFromHeader('fr-BE,nl;q=0.5')).toBe('fr');
    expect(languageFromHeader('de, nl;q=0.4, fr;q=0.3')).toBe('nl');
    expect(languageFromHeader('NL-nl;q=0.2, fr;q=0.9')).toBe('fr');
    expect(languageFromHeader('fr;q=0, nl')).toBe('nl');
    expect(languageFromHeader('de')).toBe('en');
    expect(languageFromHeader('*')).toBe('en');
    expect(languageFromHeader('')).toBe('en');
    expect(languageFromHeader(undefined)).toBe('en');
    expect(languageFromHeader(';;,q=x')).toBe('en');
  });

  it('takes a debtor locale by the templates rule: exact, then its language, else English', () => {
    expect(languageOf('fr-BE')).toBe('fr');
    expect(languageOf('nl_NL')).toBe('nl');
    expect(languageOf('de-DE')).toBe('en');
    expect(languageOf(undefined)).toBe('en');
  });
});
