/** Signed link tokens: round trip, tampering, other secrets, expiry and link purposes. */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signLinkToken, signToken, verifyLinkToken, verifyToken, versionClaims } from '../../src/channels/tokens.js';

const SECRET = 'a'.repeat(32);
const OTHER = 'b'.repeat(32);
const NOW = Date.parse('2026-11-05T10:00:00Z');
const claims = { w: 'settle/INV-1/friendly', s: 'remind', c: 'email', k: 'settle/INV-1/friendly/remind/1' };

function flip(text: string, index: number): string {
  const ch = text[index] === 'A' ? 'B' : 'A';
  return text.slice(0, index) + ch + text.slice(index + 1);
}

describe('signToken / verifyToken', () => {
  it('round-trips the claims with iat in unix seconds', () => {
    const token = signToken(SECRET, claims, undefined, NOW);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(verifyToken(SECRET, token, NOW)).toEqual({ ...claims, iat: NOW / 1000 });
  });

  it('refuses a tampered payload or signature', () => {
    const token = signToken(SECRET, claims, undefined, NOW);
    const [body, mac] = token.split('.') as [string, string];
    expect(verifyToken(SECRET, `${flip(body, 5)}.${mac}`, NOW)).toBeUndefined();
    expect(verifyToken(SECRET, `${body}.${flip(mac, 3)}`, NOW)).toBeUndefined();
    const forged = Buffer.from(JSON.stringify({ ...claims, w: 'settle/INV-2/friendly', iat: 1 })).toString('base64url');
    expect(verifyToken(SECRET, `${forged}.${mac}`, NOW)).toBeUndefined();
  });

  it('accepts exactly one spelling of a token: unused bits of the last base64url character are refused', () => {
    const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    // Claims whose JSON length leaves unused bits in the body's last character too.
    for (const extra of ['', 'x', 'xy']) {
      const token = signToken(SECRET, { ...claims, k: claims.k + extra }, undefined, NOW);
      const [body, mac] = token.split('.') as [string, string];
      const spellings = (part: string) => [...ALPHABET].map((ch) => part.slice(0, -1) + ch);
      const macOk = spellings(mac).filter((m) => verifyToken(SECRET, `${body}.${m}`, NOW) !== undefined);
      expect(macOk).toEqual([mac]);
      // The body is covered by the MAC as text, so another spelling of it fails the MAC check or
      // the canonical check: never two accepted forms.
      const bodyOk = spellings(body).filter((b) => verifyToken(SECRET, `${b}.${mac}`, NOW) !== undefined);
      expect(bodyOk).toEqual([body]);
      // A re-signed non-canonical body (same decoded claims, other spelling) is refused too.
      const decoded = Buffer.from(body, 'base64url');
      for (const b of spellings(body)) {
        if (b === body || !Buffer.from(b, 'base64url').equals(decoded)) continue;
        const resigned = signToken(SECRET, { ...claims, k: claims.k + extra }, undefined, NOW);
        expect(resigned.split('.')[0]).toBe(body);
        const m = createHmac('sha256', SECRET).update(b).digest().subarray(0, 16).toString('base64url');
        expect(verifyToken(SECRET, `${b}.${m}`, NOW)).toBeUndefined();
      }
    }
  });

  it('refuses another secret and malformed tokens', () => {
    const token = signToken(SECRET, claims, undefined, NOW);
    expect(verifyToken(OTHER, token, NOW)).toBeUndefined();
    for (const bad of ['', 'abc', 'a.b.c', `${token}.x`, '!!!.???', token.split('.')[0]!]) {
      expect(verifyToken(SECRET, bad, NOW)).toBeUndefined();
    }
  });

  it('refuses a validly signed payload that is not a claims object', () => {
    const body = Buffer.from('[1,2]').toString('base64url');
    const real = signToken(SECRET, {}, undefined, NOW);
    expect(verifyToken(SECRET, `${body}.${real.split('.')[1]}`, NOW)).toBeUndefined();
  });

  it('expires after the TTL, and never without one', () => {
    const token = signToken(SECRET, claims, 60_000, NOW);
    expect(verifyToken(SECRET, token, NOW + 59_000)).toMatchObject({ exp: NOW / 1000 + 60 });
    expect(verifyToken(SECRET, token, NOW + 60_000)).toBeUndefined();
    const forever = signToken(SECRET, claims, undefined, NOW);
    expect(verifyToken(SECRET, forever, NOW + 10 * 365 * 86_400_000)).toBeDefined();
  });

  it('needs a secret', () => {
    expect(() => signToken('', claims)).toThrow(/SETTLE_SECRET/);
  });
});

describe('link tokens', () => {
  it('only verify for their own purpose', () => {
    const token = signLinkToken(SECRET, { p: 'u', ...claims }, undefined, NOW);
    expect(verifyLinkToken(SECRET, token, 'u', NOW)).toMatchObject({ p: 'u', ...claims });
    expect(verifyLinkToken(SECRET, token, 'p', NOW)).toBeUndefined();
  });

  it('carry the journey version and A/B variant, and tokens signed without them still verify', () => {
    const labelled = signLinkToken(SECRET, { p: 'o', ...claims, ...versionClaims({ version: 4, variant: 'b' }) });
    expect(verifyLinkToken(SECRET, labelled, 'o')).toMatchObject({ ...claims, v: '4', a: 'b' });
    expect(versionClaims({ version: 4 })).toEqual({ v: '4' });
    const old = signLinkToken(SECRET, { p: 'o', ...claims });
    const verified = verifyLinkToken(SECRET, old, 'o');
    expect(verified).toMatchObject(claims);
    expect(verified?.v).toBeUndefined();
    expect(verified?.a).toBeUndefined();
    // A claim of the wrong type is refused like any other malformed token.
    expect(verifyLinkToken(SECRET, signToken(SECRET, { p: 'o', ...claims, v: 4 }), 'o')).toBeUndefined();
  });

  it('refuse a generic token that lacks link claims', () => {
    const token = signToken(SECRET, { p: 'p', w: 'x' }, undefined, NOW);
    expect(verifyLinkToken(SECRET, token, 'p', NOW)).toBeUndefined();
  });
});
