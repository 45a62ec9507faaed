/**
 * Tracking routes through the real fastify app (inject): the pixel, the click redirect, machine
 * hits, bad tokens, and what the dispatcher is given. The signals' delivery to Temporal is
 * tested in dispatcher.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PIXEL_GIF } from '../../src/server/routes/tracking.js';
import { BROWSER, MESSAGE, SECRET, testApp, token, type TestApp } from './support.js';
import { signLinkToken } from '../../src/channels/tokens.js';

let t: TestApp;
afterEach(async () => t?.app.close());

const get = (
  url: string,
  headers: Record<string, string> = { 'user-agent': BROWSER },
  method: 'GET' | 'HEAD' = 'GET',
) => t.app.inject({ method, url, headers });

describe('open pixel', () => {
  it('answers the 43-byte GIF, uncached, and signals `opened` for the message', async () => {
    t = testApp();
    const res = await get(`/t/o/${token({ p: 'o' })}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/gif');
    expect(res.headers['cache-control']).toContain('no-store');
    expect(res.rawPayload.equals(PIXEL_GIF)).toBe(true);
    expect(PIXEL_GIF.length).toBe(43);
    expect(t.dispatcher.calls).toEqual([
      {
        workflowId: MESSAGE.w,
        signal: {
          kind: 'engagement',
          signal: {
            eventId: expect.stringMatching(/^t-opened-/),
            type: 'opened',
            messageId: MESSAGE.k,
            at: expect.any(String),
          },
        },
      },
    ]);
    expect(t.hits).toEqual([
      { kind: 'open', tags: expect.objectContaining({ machine: false, channel: 'email', result: 'queued' }) },
    ]);
    expect(t.hits[0]?.tags).toMatchObject({
      workflowId: 'settle/INV-7/soft',
      messageKey: 'settle/INV-7/soft/first-email/1',
    });
  });

  it('reports the version and variant of the link to the metrics (absent from links that predate them)', async () => {
    t = testApp();
    await get(`/t/o/${token({ p: 'o', v: '2', a: 'social-proof' })}`);
    await get(`/t/c/${token({ p: 'c', v: '2', u: 'https://example.org/' })}`);
    await get(`/t/o/${token({ p: 'o', k: 'settle/INV-7/soft/first-email/2' })}`);
    expect(t.hits.map((h) => [h.kind, h.tags.version, h.tags.variant])).toEqual([
      ['open', '2', 'social-proof'],
      ['click', '2', undefined],
      ['open', undefined, undefined],
    ]);
  });

  it('gives every open of a message the same event id, and a click another one', async () => {
    t = testApp();
    await get(`/t/o/${token({ p: 'o' })}`);
    await get(`/t/o/${token({ p: 'o' }, Date.now(), 120_000)}`);
    await get(`/t/c/${token({ p: 'c', u: 'https://example.org/a' })}`);
    await get(`/t/c/${token({ p: 'c', u: 'https://example.org/b' })}`);
    const ids = t.dispatcher.calls.map((c) => (c.signal.kind === 'engagement' ? c.signal.signal.eventId : ''));
    expect(ids[0]).toBe(ids[1]);
    expect(ids[2]).toBe(ids[3]);
    expect(ids[0]).not.toBe(ids[2]);
  });

  it('does not signal machine opens: HEAD, scanners and privacy proxies, hits within 2 s of sending', async () => {
    t = testApp();
    const agents = [
      'Mozilla/5.0', // Apple Mail Privacy Protection
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/42.0.2311.135 Safari/537.36 Edge/12.246 Mozilla/5.0',
      'Mozilla/5.0 (compatible; Mimecast URL Protect)',
      'Barracuda Sentinel (EE)',
      'Mozilla/5.0 (compatible; Proofpoint URL Defense)',
      'Mozilla/5.0 (compatible; BingPreview/1.0b)',
      'python-requests/2.31.0',
    ];
    for (const ua of agents)
      expect((await get(`/t/o/${token({ p: 'o' })}`, { 'user-agent': ua })).statusCode).toBe(200);
    expect((await get(`/t/o/${token({ p: 'o' })}`, { 'user-agent': '' })).statusCode).toBe(200);
    const head = await get(`/t/o/${token({ p: 'o' })}`, { 'user-agent': BROWSER }, 'HEAD');
    expect(head.statusCode).toBe(200);
    expect(head.headers['content-type']).toBe('image/gif');
    expect((await get(`/t/o/${token({ p: 'o' }, Date.now(), 500)}`)).statusCode).toBe(200);
    expect(t.dispatcher.calls).toEqual([]);
    expect(t.hits.map((h) => h.tags.reason)).toEqual([...agents.map(() => 'agent'), 'agent', 'head', 'too-soon']);
    expect(t.hits.every((h) => h.kind === 'open' && h.tags.machine)).toBe(true);
  });

  it("signals opens through Gmail's and Yahoo's image proxies, tagged proxy", async () => {
    t = testApp();
    await get(`/t/o/${token({ p: 'o' })}`, {
      'user-agent': 'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)',
    });
    expect(t.dispatcher.calls).toHaveLength(1);
    expect(t.dispatcher.calls[0]!.signal).toMatchObject({ signal: { data: { proxy: 'google' } } });
    expect(t.hits[0]!.tags).toMatchObject({ machine: false, proxy: 'google' });
  });

  it('answers the same 404 for tampered, expired, foreign-secret and wrong-purpose tokens', async () => {
    t = testApp();
    const good = token({ p: 'o' });
    const [body, mac] = good.split('.') as [string, string];
    const tampered = `${body.slice(0, -2)}${body.endsWith('A') ? 'B' : 'A'}${body.slice(-1)}.${mac}`;
    const expired = token({ p: 'o' }, Date.now(), 120_000, 60_000);
    const foreign = signLinkToken('another-secret-0123456789abcdefghijklmn', { p: 'o', ...MESSAGE });
    const wrongPurpose = token({ p: 'c', u: 'https://example.org/' });
    const unknown = await get('/nothing-here');
    for (const bad of [tampered, expired, foreign, wrongPurpose, 'garbage', `${good}x`, 'a'.repeat(5000)]) {
      const res = await get(`/t/o/${bad}`);
      expect(res.statusCode).toBe(404);
      expect(res.body).toBe(unknown.body);
      expect(res.headers['content-type']).toBe(unknown.headers['content-type']);
    }
    expect(t.dispatcher.calls).toEqual([]);
    expect(SECRET).not.toBe('another-secret-0123456789abcdefghijklmn');
  });

  it('still answers the pixel when the queue is full', async () => {
    t = testApp({}, () => 'full');
    const res = await get(`/t/o/${token({ p: 'o' })}`);
    expect(res.statusCode).toBe(200);
    expect(t.hits[0]!.tags.result).toBe('full');
  });
});

describe('click redirect', () => {
  it('redirects to the signed target with no referrer and signals `clicked`', async () => {
    t = testApp();
    const res = await get(`/t/c/${token({ p: 'c', u: 'https://pay.example.com/p/abc?x=1&y=2' })}`);
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('https://pay.example.com/p/abc?x=1&y=2');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(t.dispatcher.calls[0]!.signal).toMatchObject({
      kind: 'engagement',
      signal: { type: 'clicked', messageId: MESSAGE.k },
    });
  });

  it('never redirects to an unsigned URL: query strings and paths are ignored, bad targets 404', async () => {
    t = testApp();
    const res = await get(
      `/t/c/${token({ p: 'c', u: 'https://good.example/' })}?u=https://evil.example/&url=https://evil.example/`,
    );
    expect(res.headers.location).toBe('https://good.example/');
    for (const u of ['javascript:alert(1)', 'data:text/html,hi', '//evil.example/', 'ftp://x.example/', undefined]) {
      const claims = u === undefined ? { p: 'c' as const } : { p: 'c' as const, u };
      expect((await get(`/t/c/${token(claims)}`)).statusCode).toBe(404);
    }
    const [body, mac] = token({ p: 'c', u: 'https://good.example/' }).split('.') as [string, string];
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), u: 'https://evil.example/' }),
    ).toString('base64url');
    expect((await get(`/t/c/${forged}.${mac}`)).statusCode).toBe(404);
    expect(t.dispatcher.calls).toHaveLength(1);
  });

  it('redirects machine clicks (link scanners) without signalling them', async () => {
    t = testApp();
    const res = await get(`/t/c/${token({ p: 'c', u: 'https://good.example/' })}`, {
      'user-agent': 'Mozilla/5.0 (compatible; Microsoft SafeLinks)',
    });
    expect(res.statusCode).toBe(302);
    expect(t.dispatcher.calls).toEqual([]);
    expect(t.hits).toEqual([
      { kind: 'click', tags: expect.objectContaining({ machine: true, reason: 'agent', channel: 'email' }) },
    ]);
  });
});

describe('logs', () => {
  it('are JSON lines without tokens, query strings or client addresses; pixel and click hits are not logged', async () => {
    t = testApp();
    const tok = token({ p: 'u' });
    await get(`/t/o/${token({ p: 'o' })}`);
    await get(`/t/c/${token({ p: 'c', u: 'https://x.example/' })}`);
    expect(t.logs).toEqual([]);
    await get(`/u/${tok}?email=anna@example.com`);
    const lines = t.logs.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.length).toBeGreaterThan(0);
    const text = t.logs.join('');
    expect(text).toContain('"/u/…?…"');
    expect(text).not.toContain(tok.slice(0, 20));
    expect(text).not.toContain('anna');
    expect(text).not.toContain('127.0.0.1');
    expect(text).not.toContain('remoteAddress');
  });
});
