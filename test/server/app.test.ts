/**
 * The app's own routes and plumbing: health, readiness, metrics, the raw JSON body, the dev
 * webhook inbox, log redaction — and a real listening server on loopback.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { redactUrl } from '../../src/core/personal-data.js';
import { PIXEL_GIF } from '../../src/server/routes/tracking.js';
import { BROWSER, MESSAGE, testApp, token, type TestApp } from './support.js';

let t: TestApp;
afterEach(async () => t?.app.close());

describe('health, readiness, metrics', () => {
  it('/healthz answers while /readyz follows ready()', async () => {
    let ready = true;
    t = testApp({ ready: async () => ready });
    expect((await t.app.inject({ url: '/healthz' })).body).toBe('ok\n');
    expect((await t.app.inject({ url: '/readyz' })).statusCode).toBe(200);
    ready = false;
    expect((await t.app.inject({ url: '/readyz' })).statusCode).toBe(503);
  });

  it('/readyz is 503 when ready() throws; /metrics serves the exposition text', async () => {
    t = testApp({
      ready: async () => Promise.reject(new Error('down')),
      metrics: async () => '# TYPE settle_up gauge\nsettle_up 1\n',
    });
    expect((await t.app.inject({ url: '/readyz' })).statusCode).toBe(503);
    const metrics = await t.app.inject({ url: '/metrics' });
    expect(metrics.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(metrics.body).toContain('settle_up 1');
  });

  it('unknown routes get the shared 404', async () => {
    t = testApp();
    const res = await t.app.inject({ url: '/wp-admin' });
    expect(res.statusCode).toBe(404);
    expect(res.body).toBe('Not found\n');
  });
});

describe('bodies', () => {
  it('keeps the raw bytes of JSON bodies next to the parsed body', async () => {
    t = testApp();
    t.app.post('/echo', async (request) => ({ raw: request.rawBody?.toString('utf8'), parsed: request.body }));
    const res = await t.app.inject({
      method: 'POST',
      url: '/echo',
      payload: '{ "a" : 1 }',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.json()).toEqual({ raw: '{ "a" : 1 }', parsed: { a: 1 } });
    const poisoned = await t.app.inject({
      method: 'POST',
      url: '/echo',
      payload: '{"__proto__":{"x":1}}',
      headers: { 'content-type': 'application/json' },
    });
    expect(poisoned.statusCode).toBe(400);
  });

  it('the dev webhook inbox takes any body, only when configured', async () => {
    const received: { path: string; body: string }[] = [];
    t = testApp({ devWebhookInbox: (path, body) => void received.push({ path, body }) });
    const res = await t.app.inject({
      method: 'POST',
      url: '/dev/webhooks/escalation_url?x=1',
      payload: '{"debtId":"D-1"}',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.statusCode).toBe(202);
    expect(received).toEqual([{ path: '/dev/webhooks/escalation_url', body: '{"debtId":"D-1"}' }]);
    await t.app.close();
    t = testApp();
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: '/dev/webhooks/x',
          payload: '{}',
          headers: { 'content-type': 'application/json' },
        })
      ).statusCode,
    ).toBe(404);
  });
});

describe('redactUrl', () => {
  it('cuts tokens and query strings', () => {
    expect(redactUrl('/t/o/abc.def')).toBe('/t/o/…');
    expect(redactUrl('/t/c/abc.def?u=x')).toBe('/t/c/…?…');
    expect(redactUrl('/p/abc.def/checkout')).toBe('/p/…/checkout');
    expect(redactUrl('/u/abc')).toBe('/u/…');
    expect(redactUrl('/webhooks/twilio/status?k=tok')).toBe('/webhooks/twilio/status?…');
    expect(redactUrl('/healthz')).toBe('/healthz');
  });
});

describe('logs', () => {
  it('go to the given stream as JSON lines with service settle-server, without the addresses, numbers and tokens of a hostile request', async () => {
    t = testApp();
    const tok = token({ p: 'u' });
    const hostile = `anna.rossi@example.com +33 6 12 34 56 78 https://pay.example.test/p/${tok}`;
    t.app.get('/boom', async () => {
      throw new Error(`upstream refused ${hostile}`);
    });
    const optOut = await t.app.inject({ url: `/u/${tok}?email=anna.rossi@example.com&phone=%2B33612345678` });
    expect(optOut.statusCode).toBe(200);
    expect((await t.app.inject({ url: '/boom' })).statusCode).toBe(500);
    expect((await t.app.inject({ url: `/t/o/${tok}` })).statusCode).toBe(404);
    const lines = t.logs.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.length).toBeGreaterThanOrEqual(5);
    for (const l of lines) expect(l.service).toBe('settle-server');
    // Request lines: the method and the path without token or query string; no headers, no client address.
    expect(lines.find((l) => l.msg === 'incoming request')?.req).toEqual({ method: 'GET', url: '/u/…?…' });
    const failed = lines.find((l) => l.msg === 'request failed');
    expect((failed!.err as { message: string }).message).toBe(
      'upstream refused <email> <phone> https://pay.example.test/p/…',
    );
    // The pixel is not logged per request, even when its token is bad.
    expect(lines.some((l) => String((l.req as { url?: string } | undefined)?.url).startsWith('/t/'))).toBe(false);
    const text = t.logs.join('');
    expect(text).not.toContain('anna.rossi');
    expect(text).not.toMatch(/\+33[\d ]{6,}|%2B33/);
    expect(text).not.toContain(tok.split('.')[0]!.slice(0, 20));
    expect(text).not.toContain(tok.split('.')[1]!);
  });
});

describe('a real listening server', () => {
  it('serves the pixel, the redirect and the opt-out over loopback HTTP', async () => {
    t = testApp();
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = t.app.server.address() as { port: number };
    const base = `http://127.0.0.1:${port}`;
    const pixel = await fetch(`${base}/t/o/${token({ p: 'o' })}`, { headers: { 'user-agent': BROWSER } });
    expect(pixel.status).toBe(200);
    expect(Buffer.from(await pixel.arrayBuffer()).equals(PIXEL_GIF)).toBe(true);
    const click = await fetch(`${base}/t/c/${token({ p: 'c', u: 'https://example.org/x' })}`, {
      headers: { 'user-agent': BROWSER },
      redirect: 'manual',
    });
    expect(click.status).toBe(302);
    expect(click.headers.get('location')).toBe('https://example.org/x');
    const optOut = await fetch(`${base}/u/${token({ p: 'u' })}`, {
      method: 'POST',
      body: new URLSearchParams({ 'List-Unsubscribe': 'One-Click' }),
    });
    expect(optOut.status).toBe(200);
    const bad = await fetch(`${base}/t/o/${token({ p: 'o' })}zz`);
    expect(bad.status).toBe(404);
    expect(t.dispatcher.calls.map((c) => c.workflowId)).toEqual([MESSAGE.w, MESSAGE.w, MESSAGE.w, MESSAGE.w]);
  });
});
