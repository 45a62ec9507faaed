/**
 * The link doors (`/p/`, `/u/`, `/t/o/`, `/t/c/`), attacked with hostile tokens through the real
 * fastify app (inject): a table of tampered, truncated, re-encoded, cross-route, expired,
 * other-secret and oversized tokens, run against each route. Every hostile row must get the
 * route's one "not found" answer (the same bytes as plain garbage, so no response tells a prober
 * which part was wrong) and must dispatch no signal and count no hit; the valid token of the same
 * route, the control row, is accepted and dispatches.
 */
import { createHmac } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signLinkToken, signToken, type LinkClaims, type LinkPurpose } from '../../src/channels/tokens.js';
import { journeyView } from '../support/journey-view.js';
import { BROWSER, MESSAGE, SECRET, testApp, type TestApp } from '../server/support.js';

const NOW = Date.parse('2026-11-23T10:00:00Z');
/** Tokens are issued a minute before NOW: past the window in which a hit counts as a machine's. */
const ISSUED = NOW - 60_000;
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

interface Door {
  route: string;
  purpose: LinkPurpose;
  extra?: Partial<LinkClaims>;
  request: (token: string) => InjectOptions;
  /** The status of the valid token. */
  ok: number;
}

const DOORS: Door[] = [
  {
    route: 'GET /p/ (payment page)',
    purpose: 'p',
    request: (tok) => ({ method: 'GET', url: `/p/${tok}`, headers: { 'user-agent': BROWSER } }),
    ok: 200,
  },
  {
    route: 'POST /u/ (one-click opt-out)',
    purpose: 'u',
    request: (tok) => ({
      method: 'POST',
      url: `/u/${tok}`,
      payload: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    }),
    ok: 200,
  },
  {
    route: 'GET /t/o/ (open pixel)',
    purpose: 'o',
    request: (tok) => ({ method: 'GET', url: `/t/o/${tok}`, headers: { 'user-agent': BROWSER } }),
    ok: 200,
  },
  {
    route: 'GET /t/c/ (click redirect)',
    purpose: 'c',
    extra: { u: 'https://example.org/pay' },
    request: (tok) => ({ method: 'GET', url: `/t/c/${tok}`, headers: { 'user-agent': BROWSER } }),
    ok: 302,
  },
];

function sign(door: Door, over: Partial<LinkClaims> = {}, secret = SECRET, ttlMs?: number): string {
  return signLinkToken(secret, { ...MESSAGE, ...door.extra, p: door.purpose, ...over }, ttlMs, ISSUED);
}

const mac = (body: string) => createHmac('sha256', SECRET).update(body).digest().subarray(0, 16).toString('base64url');

/** Replaces the character at `i` (negative: from the end) with another of the alphabet. */
function flip(s: string, i: number): string {
  const at = i < 0 ? s.length + i : i;
  const c = s[at]!;
  return s.slice(0, at) + (c === 'A' ? 'B' : 'A') + s.slice(at + 1);
}

/** The claims part decoded, changed and encoded again; the MAC left as it was. */
function reclaim(tok: string, change: (claims: Record<string, unknown>) => void): string {
  const [body, sig] = tok.split('.') as [string, string];
  const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
  change(claims);
  return `${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${sig}`;
}

/** The MAC's last character in each of its 16 spellings: 128 bits leave 4 unused bits in the 22nd character. */
function macSpellings(tok: string): { spelling: string; canonical: boolean }[] {
  const [body, sig] = tok.split('.') as [string, string];
  const last = B64URL.indexOf(sig[sig.length - 1]!);
  return Array.from({ length: 16 }, (_, low) => {
    const spelling = `${body}.${sig.slice(0, -1)}${B64URL[(last & 0b110000) | low]}`;
    return { spelling, canonical: low === (last & 0b1111) };
  });
}

/** A body whose last base64url character has unused bits, given another spelling, with a MAC computed over it. */
function respelledBody(door: Door): string {
  for (let pad = 0; pad < 4; pad++) {
    const tok = sign(door, { s: `first-email${'x'.repeat(pad)}` });
    const body = tok.split('.')[0]!;
    if (body.length % 4 === 0) continue;
    const last = B64URL.indexOf(body[body.length - 1]!);
    const other = `${body.slice(0, -1)}${B64URL[last ^ 1]}`;
    // The same bytes: only the spelling differs, and the MAC is right for it.
    expect(Buffer.from(other, 'base64url').equals(Buffer.from(body, 'base64url'))).toBe(true);
    return `${other}.${mac(other)}`;
  }
  throw new Error('no claims part with unused bits');
}

interface Hostile {
  name: string;
  token: (door: Door) => string;
}

const OTHER_PURPOSES: LinkPurpose[] = ['p', 'u', 'o', 'c', 's'];

const HOSTILE: Hostile[] = [
  { name: 'one character of the claims changed', token: (d) => flip(sign(d), 3) },
  {
    name: 'claims re-encoded for another journey, MAC kept',
    token: (d) => reclaim(sign(d), (c) => (c.w = 'settle/INV-8/soft')),
  },
  {
    name: 'claims re-encoded with a later expiry, MAC kept',
    token: (d) => reclaim(sign(d, {}, SECRET, 1_000), (c) => (c.exp = 4_102_444_800)),
  },
  { name: 'one character of the MAC changed', token: (d) => flip(sign(d), 0) },
  { name: 'the MAC truncated by one character', token: (d) => sign(d).slice(0, -1) },
  { name: 'the MAC truncated to half', token: (d) => sign(d).slice(0, -11) },
  { name: 'the MAC removed (`claims.`)', token: (d) => `${sign(d).split('.')[0]!}.` },
  { name: 'no MAC at all (`claims`)', token: (d) => sign(d).split('.')[0]! },
  { name: 'the claims removed (`.mac`)', token: (d) => `.${sign(d).split('.')[1]!}` },
  { name: 'a third part appended', token: (d) => `${sign(d)}.${sign(d).split('.')[1]!}` },
  { name: 'the MAC with `=` padding', token: (d) => `${sign(d)}==` },
  {
    name: 'the MAC in standard base64 (+ / =)',
    token: (d) => {
      const [body, sig] = sign(d).split('.') as [string, string];
      return `${body}.${Buffer.from(sig, 'base64url').toString('base64')}`;
    },
  },
  {
    name: 'the MAC in hex',
    token: (d) => {
      const [body, sig] = sign(d).split('.') as [string, string];
      return `${body}.${Buffer.from(sig, 'base64url').toString('hex')}`;
    },
  },
  { name: 'the dot percent-encoded twice (%252E)', token: (d) => sign(d).replace('.', '%252E') },
  {
    name: 'the claims part re-spelled (unused bits set), with a MAC over that spelling',
    token: respelledBody,
  },
  { name: 'the case of the claims swapped', token: (d) => sign(d).replace(/[a-z]/g, (c) => c.toUpperCase()) },
  { name: 'signed with another secret', token: (d) => sign(d, {}, 'another-secret-0123456789abcdefghijklmn') },
  { name: 'signed with an empty-looking secret (one space)', token: (d) => sign(d, {}, ' ') },
  { name: 'expired (issued a minute ago for one second)', token: (d) => sign(d, {}, SECRET, 1_000) },
  {
    name: 'signed, but a link claim is missing (no message key)',
    token: (d) => signToken(SECRET, { p: d.purpose, w: MESSAGE.w, s: MESSAGE.s, c: MESSAGE.c }, undefined, ISSUED),
  },
  {
    name: 'signed, but a claim has the wrong type',
    token: (d) => signToken(SECRET, { ...MESSAGE, ...d.extra, p: d.purpose, k: 7 }, undefined, ISSUED),
  },
  { name: 'signed, but 5,000 characters long (over the 4,096 limit)', token: (d) => sign(d, { l: 'x'.repeat(3_700) }) },
  { name: '5,000 characters of garbage', token: () => 'A'.repeat(2_500) + '.' + 'B'.repeat(2_499) },
  { name: '100,000 characters of garbage', token: () => 'A'.repeat(100_000) },
  { name: 'plain garbage', token: () => 'nope' },
  { name: 'a path traversal', token: (d) => `..%2F..%2F${sign(d)}` },
  { name: 'a NUL byte inside (percent-encoded)', token: (d) => `${sign(d)}%00` },
  { name: 'a JSON object in place of the token', token: () => encodeURIComponent('{"p":"o","w":"x"}') },
  { name: 'alg-none style: claims and an empty MAC', token: (d) => `${sign(d).split('.')[0]!}.` },
];

for (const door of DOORS) {
  describe(`${door.route}: hostile tokens are refused without a side effect`, () => {
    let t: TestApp;
    let notFound: { status: number; body: string };

    beforeAll(async () => {
      t = testApp({
        clock: () => NOW,
        lookup: { view: async (id) => (id === MESSAGE.w ? journeyView() : undefined) },
      });
      await t.app.ready();
      const res = await t.app.inject(door.request('nope'));
      notFound = { status: res.statusCode, body: res.body };
    });
    afterAll(async () => t?.app.close());
    beforeEach(() => {
      t.dispatcher.calls.length = 0;
      t.hits.length = 0;
    });

    it(`the valid token (control row) → ${door.ok}, dispatched`, async () => {
      const res = await t.app.inject(door.request(sign(door)));
      expect(res.statusCode).toBe(door.ok);
      expect(t.dispatcher.calls.length).toBeGreaterThan(0);
      expect(notFound.status).toBe(404);
    });

    const cross = OTHER_PURPOSES.filter((p) => p !== door.purpose).map((p): Hostile => ({
      name: `signed for purpose \`${p}\` (another route)`,
      token: (d) => sign(d, { p }),
    }));

    it.each([...HOSTILE, ...cross])('$name → 404, nothing dispatched', async ({ token }) => {
      const res = await t.app.inject(door.request(token(door)));
      expect(res.statusCode).toBe(404);
      expect(res.body).toBe(notFound.body);
      expect(t.dispatcher.calls).toEqual([]);
      expect(t.hits).toEqual([]);
    });

    it('every one of the 16 spellings of the MAC’s last character but the canonical one is refused', async () => {
      const spellings = macSpellings(sign(door));
      expect(new Set(spellings.map((s) => s.spelling)).size).toBe(16);
      expect(spellings.filter((s) => s.canonical)).toHaveLength(1);
      const statuses: Record<string, number> = {};
      for (const { spelling, canonical } of spellings) {
        t.dispatcher.calls.length = 0;
        const res = await t.app.inject(door.request(spelling));
        statuses[spelling.slice(-1)] = res.statusCode;
        expect(res.statusCode, spelling.slice(-1)).toBe(canonical ? door.ok : 404);
        expect(t.dispatcher.calls.length > 0, spelling.slice(-1)).toBe(canonical);
      }
      expect(Object.values(statuses).filter((s) => s === 404)).toHaveLength(15);
    });
  });
}
