/**
 * The server's one page shell and security policy (src/server/pages/html.ts): the small pages get
 * the strict policy, the payment pages only what their pay button needs; both share one document.
 */
import { describe, expect, it } from 'vitest';
import { LANDING_HEADERS, PAGE_HEADERS, page, pageCsp } from '../../src/server/pages/html.js';
import { LANDING_CSS } from '../../src/server/pages/landing/layout.js';

describe('page security policy', () => {
  it('is strict by default: nothing from elsewhere, forms to this server only', () => {
    expect(PAGE_HEADERS['content-security-policy']).toBe(
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
  });

  it('lets the payment pages follow the pay button to an https checkout', () => {
    expect(LANDING_HEADERS['content-security-policy']).toBe(
      "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self' https:; frame-ancestors 'none'; base-uri 'none'",
    );
    expect(pageCsp({ formRedirectsToHttps: true })).not.toContain('img-src');
  });

  it('sends the same other headers on every page', () => {
    const { 'content-security-policy': strict, ...rest } = PAGE_HEADERS;
    const { 'content-security-policy': landing, ...landingRest } = LANDING_HEADERS;
    expect(strict).not.toBe(landing);
    expect(landingRest).toEqual(rest);
    expect(rest).toMatchObject({ 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
  });
});

describe('page shell', () => {
  it('escapes the language, title, banner and footer, and keeps the body as given', () => {
    const html = page({
      lang: 'fr"',
      title: 'A & B',
      body: '<p>ok</p>',
      brand: '<ACME>',
      footer: 'Q & A',
      css: LANDING_CSS,
    });
    expect(html).toContain('<html lang="fr&quot;">');
    expect(html).toContain('<title>A &amp; B</title>');
    expect(html).toContain('<header class="top"><p>&lt;ACME&gt;</p></header><main id="main"><p>ok</p></main>');
    expect(html).toContain('<footer><p>Q &amp; A</p></footer>');
    expect(html).toContain(`<style>${LANDING_CSS}</style>`);
  });

  it('has no banner or footer unless given, and the plain style by default', () => {
    const html = page({ lang: 'en', title: 'T', body: 'x' });
    expect(html).not.toContain('<header');
    expect(html).not.toContain('<footer');
    expect(html).not.toContain(LANDING_CSS);
    expect(html).toMatch(/<style>body\{[^<]+<\/style>/);
  });
});
