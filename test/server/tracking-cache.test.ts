/**
 * The tracking routes' fast path: verified tokens remembered by their exact string (verified-links.ts)
 * and user agents classified once (machine.ts). What a cached token may not do: let a tampered,
 * re-encoded, wrong-purpose or expired copy through, or change what the dispatcher is given.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { signLinkToken } from '../../src/channels/tokens.js';
import { classifyHit } from '../../src/server/machine.js';
import { verifiedLinks } from '../../src/server/verified-links.js';
import { BROWSER, MESSAGE, SECRET, testApp, token, type TestApp } from './support.js';

let t: TestApp;
afterEach(async () => t?.app.close());

const get = (url: string, headers: Record<string, string> = { 'user-agent': BROWSER }) =>
  t.app.inject({ method: 'GET', url, headers });

/** Every one-character change of `tok` (a sample across body, dot and MAC). */
function mutations(tok: string): string[] {
  const out = new Set<string>();
  for (let i = 0; i < tok.length; i += 3) {
    const c = tok[i]!;
    out.add(tok.slice(0, i) + (c === 'A' ? 'B' : 'A') + tok.slice(i + 1));
  }
  out.add(`${tok}A`);
  out.add(tok.slice(0, -1));
  out.delete(tok);
  return [...out];
}

describe('verified tokens remembered by their string', () => {
  it('refuses every tampered copy of a token that verified before (404, nothing signalled)', async () => {
    t = testApp();
    const good = token({ p: 'o' });
    expect((await get(`/t/o/${good}`)).statusCode).toBe(200);
    const bad = mutations(good);
    expect(bad.length).toBeGreaterThan(50);
    for (const tampered of bad) expect((await get(`/t/o/${tampered}`)).statusCode).toBe(404);
    // A re-encoding of the MAC with other trailing bits decodes to the same bytes: still refused.
    const [body, mac] = good.split('.') as [string, string];
    const last = mac.at(-1)!;
    const sibling = last === 'A' ? 'B' : String.fromCharCode(last.charCodeAt(0) ^ 1);
    expect((await get(`/t/o/${body}.${mac.slice(0, -1)}${sibling}`)).statusCode).toBe(404);
    expect((await get(`/t/o/${good}`)).statusCode).toBe(200);
    expect(t.dispatcher.calls).toHaveLength(2);
  });

  it('keeps the purpose: a pixel token seen on /t/o/ is refused on /t/c/ and /u/', async () => {
    t = testApp();
    const pixel = token({ p: 'o' });
    expect((await get(`/t/o/${pixel}`)).statusCode).toBe(200);
    expect((await get(`/t/c/${pixel}`)).statusCode).toBe(404);
    expect((await get(`/u/${pixel}`)).statusCode).toBe(404);
    const click = token({ p: 'c', u: 'https://pay.example/' });
    expect((await get(`/t/c/${click}`)).statusCode).toBe(302);
    expect((await get(`/t/o/${click}`)).statusCode).toBe(404);
  });

  it('refuses a remembered token once it expires', async () => {
    let now = Date.now();
    t = testApp({ clock: () => now });
    const expiring = token({ p: 'o' }, now, 60_000, 120_000); // issued a minute ago, valid one more minute
    expect((await get(`/t/o/${expiring}`)).statusCode).toBe(200);
    expect((await get(`/t/o/${expiring}`)).statusCode).toBe(200);
    now += 61_000;
    expect((await get(`/t/o/${expiring}`)).statusCode).toBe(404);
    expect(t.dispatcher.calls).toHaveLength(2);
  });

  it('hands the dispatcher the same signal for every repeat (its dedupe still decides), machine hits none', async () => {
    t = testApp();
    const pixel = token({ p: 'o' });
    for (let i = 0; i < 5; i++) await get(`/t/o/${pixel}`);
    await get(`/t/o/${pixel}`, { 'user-agent': 'Mozilla/5.0' });
    const ids = new Set(t.dispatcher.calls.map((c) => (c.signal.kind === 'engagement' ? c.signal.signal.eventId : '')));
    expect(t.dispatcher.calls).toHaveLength(5);
    expect(ids.size).toBe(1);
    expect(t.dispatcher.calls.every((c) => c.workflowId === MESSAGE.w)).toBe(true);
    expect(t.hits.map((h) => h.tags.machine)).toEqual([false, false, false, false, false, true]);
  });

  it('is bounded: the least recently used token is forgotten and verified again when it comes back', () => {
    const derived: string[] = [];
    const links = verifiedLinks(
      SECRET,
      'o',
      (claims) => {
        derived.push(claims.k);
        return claims.k;
      },
      2,
    );
    const now = Date.now();
    const tok = (k: string) => signLinkToken(SECRET, { ...MESSAGE, p: 'o', k }, undefined, now - 60_000);
    const [a, b, c] = [tok('a'), tok('b'), tok('c')];
    expect(links.get(a, now)?.derived).toBe('a');
    expect(links.get(b, now)?.derived).toBe('b');
    expect(links.get(a, now)?.derived).toBe('a'); // a is now the most recent
    expect(links.get(c, now)?.derived).toBe('c'); // b is forgotten
    expect(links.size).toBe(2);
    expect(links.get(a, now)?.derived).toBe('a');
    expect(links.get(b, now)?.derived).toBe('b');
    expect(derived).toEqual(['a', 'b', 'c', 'b']);
    expect(links.get('garbage', now)).toBeUndefined();
    expect(
      links.get(signLinkToken('another-secret-0123456789abcdefghij', { ...MESSAGE, p: 'o' }), now),
    ).toBeUndefined();
    expect(links.size).toBe(2);
  });

  it('does not remember tokens the route refuses (a click without a web target)', () => {
    const links = verifiedLinks(SECRET, 'c', (claims) => (claims.u?.startsWith('https:') ? claims.u : undefined));
    expect(links.get(token({ p: 'c' }), Date.now())).toBeUndefined();
    expect(links.get(token({ p: 'c', u: 'javascript:x' }), Date.now())).toBeUndefined();
    expect(links.size).toBe(0);
    expect(links.get(token({ p: 'c', u: 'https://pay.example/' }), Date.now())?.derived).toBe('https://pay.example/');
    expect(links.size).toBe(1);
  });
});

describe('user agents classified once', () => {
  it('gives the same verdict for a cached agent whatever came before it', () => {
    const facts = (userAgent: string | undefined, ageMs: number, method = 'GET') => ({
      method,
      userAgent,
      issuedAtMs: 0,
      nowMs: ageMs,
      windowMs: 2_000,
    });
    const google = 'Mozilla/5.0 (via ggpht.com GoogleImageProxy)';
    expect(classifyHit(facts(google, 500))).toEqual({ machine: true, reason: 'too-soon', proxy: 'google' });
    expect(classifyHit(facts(google, 60_000))).toEqual({ machine: false, proxy: 'google' });
    expect(classifyHit(facts(google, 500))).toEqual({ machine: true, reason: 'too-soon', proxy: 'google' });
    expect(classifyHit(facts(BROWSER, 60_000, 'HEAD'))).toEqual({ machine: true, reason: 'head' });
    expect(classifyHit(facts(BROWSER, 60_000))).toEqual({ machine: false });
    expect(classifyHit(facts(BROWSER, 500))).toEqual({ machine: true, reason: 'too-soon' });
    expect(classifyHit(facts('  Mozilla/5.0  ', 60_000))).toEqual({ machine: true, reason: 'agent' });
    expect(classifyHit(facts(undefined, 60_000))).toEqual({ machine: true, reason: 'agent' });
    // Many distinct agents (they come from requests): the cache stays bounded and verdicts stay right.
    for (let i = 0; i < 5_000; i++) classifyHit(facts(`agent-${i}`, 60_000));
    expect(classifyHit(facts(google, 60_000))).toEqual({ machine: false, proxy: 'google' });
    expect(classifyHit(facts('python-requests/2.31.0', 60_000))).toEqual({ machine: true, reason: 'agent' });
  });
});
