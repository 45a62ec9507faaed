/**
 * Link rewriting and the open pixel (tracking-links.ts), then the same through sendEmail and a
 * real SMTP server: every web link becomes a signed click redirect carrying its target, the
 * opt-out link, mailto: and anchors stay as they are.
 */
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { createActivities } from '../../src/activities/index.js';
import { createTracker, trackHtml, trackText } from '../../src/activities/tracking-links.js';
import { verifyLinkToken } from '../../src/channels/tokens.js';
import type { PlanTemplate } from '../../src/ir/index.js';
import { emailTemplate, NOW, SECRET, sendInput, testDeps, useSmtpChannel } from './helpers.js';

const OPT_OUT = 'https://pay.example.test/u/opt.out';
const tracker = () =>
  createTracker({
    secret: SECRET,
    publicUrl: 'https://t.example.test/',
    nowMs: NOW,
    workflowId: 'settle/D-1/j',
    step: 'mail',
    version: 3,
    variant: 'bold',
    key: 'settle/D-1/j/mail/1',
    optOut: OPT_OUT,
  });

/** The click targets of the redirects in `text`, in order. */
function targets(text: string): string[] {
  return [...text.matchAll(/https:\/\/t\.example\.test\/t\/c\/([\w.-]+)/g)].map((m) => {
    const claims = verifyLinkToken(SECRET, m[1]!, 'c');
    expect(claims).toMatchObject({
      w: 'settle/D-1/j',
      s: 'mail',
      c: 'email',
      k: 'settle/D-1/j/mail/1',
      v: '3',
      a: 'bold',
      iat: NOW / 1000,
    });
    return claims!.u!;
  });
}

describe('trackHtml', () => {
  it('rewrites web links (any quoting, entities decoded) and leaves opt-out, mailto, tel and anchors', () => {
    const html = [
      '<html><body><p><a class="b" href="https://shop.example/pay?a=1&amp;b=2">pay</a>',
      "<a href='http://example.org/x'>x</a> <a href=https://example.net/y>y</a>",
      `<a href="${OPT_OUT}">stop</a> <a href="mailto:help@example.com">mail</a>`,
      '<a href="tel:+3312">call</a> <a href="#top">top</a> <a name="n">n</a></p></body></html>',
    ].join('');
    const out = trackHtml(html, tracker());
    expect(targets(out)).toEqual(['https://shop.example/pay?a=1&b=2', 'http://example.org/x', 'https://example.net/y']);
    expect(out).toContain(`<a href="${OPT_OUT}">stop</a>`);
    expect(out).toContain('href="mailto:help@example.com"');
    expect(out).toContain('href="tel:+3312"');
    expect(out).toContain('href="#top"');
    expect(out).toContain(' class="b" href="https://t.example.test/t/c/');
    const pixel =
      /<img src="https:\/\/t\.example\.test\/t\/o\/([\w.-]+)" width="1" height="1" alt="" style="display:none"><\/body><\/html>$/.exec(
        out,
      );
    expect(pixel).not.toBeNull();
    expect(verifyLinkToken(SECRET, pixel![1]!, 'o')).toMatchObject({ k: 'settle/D-1/j/mail/1', c: 'email' });
  });

  it('appends the pixel when there is no </body>', () => {
    expect(trackHtml('<p>hi</p>', tracker())).toMatch(
      /^<p>hi<\/p><img src="https:\/\/t\.example\.test\/t\/o\/[\w.-]+"/,
    );
  });

  it('signs the same target once per message', () => {
    const t = tracker();
    expect(t.click('https://a.example/')).toBe(t.click('https://a.example/'));
    expect(t.click('javascript:alert(1)')).toBe('javascript:alert(1)');
  });
});

describe('trackText', () => {
  it('rewrites bare URLs, keeping trailing punctuation and the opt-out link', () => {
    const out = trackText(`Pay (https://a.example/p?x=1). Or https://b.example/q, now! Stop: ${OPT_OUT}`, tracker());
    expect(targets(out)).toEqual(['https://a.example/p?x=1', 'https://b.example/q']);
    expect(out).toMatch(
      /^Pay \(https:\/\/t\.example\.test\/t\/c\/[\w.-]+\)\. Or https:\/\/t\.example\.test\/t\/c\/[\w.-]+, now! Stop: /,
    );
    expect(out.endsWith(`Stop: ${OPT_OUT}`)).toBe(true);
  });
});

describe('sendEmail with tracking, through a real SMTP server', () => {
  const smtp = useSmtpChannel();

  it('sends rewritten links in both parts and one open pixel', async () => {
    const template: PlanTemplate = {
      ...emailTemplate,
      locales: {
        en: {
          subject: 'Invoice {{ debt.reference }}',
          text: 'Pay: {{ links.pay }} Help: https://help.example/faq. Stop: {{ links.optOut }}',
          html: '<html><body><a href="{{ links.pay }}">Pay</a> <a href="https://help.example/faq">FAQ</a> <a href="mailto:help@example.com">mail</a> <a href="{{ links.optOut }}">Stop</a></body></html>',
        },
      },
    };
    await createActivities(testDeps({ email: smtp.channel })).sendEmail(sendInput({ template }));
    const mail = await simpleParser(smtp.sink.messages()[0]!.raw);
    const html = String(mail.html);
    const decode = (s: string) =>
      [...s.matchAll(/\/t\/c\/([\w-]+\.[\w-]+)/g)].map((m) => verifyLinkToken(SECRET, m[1]!, 'c')?.u);
    expect(decode(html)).toEqual(['https://pay.example.test/p/tok', 'https://help.example/faq']);
    expect(decode(mail.text ?? '')).toEqual(['https://pay.example.test/p/tok', 'https://help.example/faq']);
    expect(html).toContain('href="mailto:help@example.com"');
    expect(html).toMatch(/href="https:\/\/pay\.example\.test\/u\/[\w.-]+">Stop/);
    expect(mail.text).toMatch(/Stop: https:\/\/pay\.example\.test\/u\/[\w.-]+$/);
    expect(html.match(/\/t\/o\//g)).toHaveLength(1);
    // The journey version (and, inside a split, the variant) label the message's opens and clicks.
    const pixel = verifyLinkToken(SECRET, /\/t\/o\/([\w-]+\.[\w-]+)/.exec(html)![1]!, 'o');
    expect(pixel).toMatchObject({ v: '3' });
    expect(pixel?.a).toBeUndefined();
  });
});
