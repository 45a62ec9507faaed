/**
 * The opt-out link through the real fastify app: GET shows a page in the debtor's language and
 * signals nothing; a POST (the page's form, or RFC 8058 one-click) opts this journey out and
 * every running journey of the contact; bad tokens get the shared 404.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { BROWSER, MESSAGE, testApp, token, type TestApp } from './support.js';

let t: TestApp;
afterEach(async () => t?.app.close());

const CONTACT = 'Q2xhc3NpY0tleWVkSGFzaDAxMjM0NTY3';

describe('GET /u/<token>', () => {
  it("shows an accessible confirmation page in the debtor's language and signals nothing", async () => {
    t = testApp();
    const fr = await t.app.inject({
      url: `/u/${token({ p: 'u', l: 'fr-BE', h: CONTACT })}`,
      headers: { 'user-agent': BROWSER },
    });
    expect(fr.statusCode).toBe(200);
    expect(fr.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(fr.headers['content-security-policy']).toContain("default-src 'none'");
    expect(fr.body).toContain('<html lang="fr">');
    expect(fr.body).toContain('<meta name="viewport"');
    expect(fr.body).toMatch(/<form method="post">.*<button type="submit">Me désabonner<\/button><\/form>/);
    expect(fr.body).toContain('e-mails');
    const fallback = await t.app.inject({ url: `/u/${token({ p: 'u', l: 'ja-JP' })}` });
    expect(fallback.body).toContain('<html lang="en">');
    expect(fallback.body).toContain('stop receiving these emails');
    const sms = await t.app.inject({ url: `/u/${token({ p: 'u', c: 'sms', l: 'nl' })}` });
    expect(sms.body).toContain('sms-berichten');
    expect(t.dispatcher.calls).toEqual([]);
  });

  it('answers 404 for a bad token, an opt-out token of another purpose or channel', async () => {
    t = testApp();
    for (const bad of [token({ p: 'o' }), token({ p: 'u', c: 'letter' }), `${token({ p: 'u' })}x`, 'nope']) {
      expect((await t.app.inject({ url: `/u/${bad}` })).statusCode).toBe(404);
      expect(
        (
          await t.app.inject({
            method: 'POST',
            url: `/u/${bad}`,
            payload: 'List-Unsubscribe=One-Click',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
          })
        ).statusCode,
      ).toBe(404);
    }
    expect(t.dispatcher.calls).toEqual([]);
  });
});

describe('POST /u/<token>', () => {
  it('one-click (RFC 8058): 200, the journey opts out of the channel, and so does every journey of the contact', async () => {
    t = testApp();
    const res = await t.app.inject({
      method: 'POST',
      url: `/u/${token({ p: 'u', h: CONTACT })}`,
      payload: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('Unsubscribed\n');
    expect(t.dispatcher.calls).toEqual([
      { workflowId: MESSAGE.w, signal: { kind: 'optOut', channel: 'email' } },
      {
        workflowId: MESSAGE.w,
        signal: {
          kind: 'engagement',
          signal: {
            eventId: expect.stringMatching(/^t-optedOut-/),
            type: 'optedOut',
            messageId: MESSAGE.k,
            at: expect.any(String),
            data: { channel: 'email' },
          },
        },
      },
      { contactKey: CONTACT, signal: { kind: 'optOut', channel: 'email' } },
    ]);
    expect(t.hits).toEqual([{ kind: 'optOut', tags: { machine: false, channel: 'email', result: 'queued' } }]);
  });

  it('accepts one-click as multipart/form-data too', async () => {
    t = testApp();
    const boundary = 'XyZ';
    const payload = `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--${boundary}--\r\n`;
    const res = await t.app.inject({
      method: 'POST',
      url: `/u/${token({ p: 'u' })}`,
      payload,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('Unsubscribed\n');
    // No contact key in this token: only this journey.
    expect(t.dispatcher.calls.map((c) => c.workflowId)).toEqual([MESSAGE.w, MESSAGE.w]);
  });

  it("the page's form: a confirmation page in the debtor's language", async () => {
    t = testApp();
    const res = await t.app.inject({
      method: 'POST',
      url: `/u/${token({ p: 'u', l: 'de-AT', c: 'sms' })}`,
      payload: 'confirm=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<html lang="de">');
    expect(res.body).toContain('Sie sind abgemeldet');
    expect(t.dispatcher.calls[0]).toEqual({ workflowId: MESSAGE.w, signal: { kind: 'optOut', channel: 'sms' } });
  });

  it('answers 503 (retry) rather than confirm an unsubscribe the full queue could not take', async () => {
    t = testApp({}, () => 'full');
    const res = await t.app.inject({
      method: 'POST',
      url: `/u/${token({ p: 'u' })}`,
      payload: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('30');
  });
});
