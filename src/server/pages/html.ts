/**
 * Shared HTML helpers for the server's small pages (opt-out, errors; the landing page may use
 * them): escaping and one self-contained, mobile-first, accessible layout — no external resource,
 * so the pages work under a strict Content-Security-Policy and load fast on a phone.
 */

import { chooseLocale } from '../../core/locale.js';
import { escapeHtml } from '../../templates/escape.js';

/** A security policy for pages that load nothing from elsewhere and post forms only to themselves. */
export const PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** Headers every HTML page of the server sends. */
export const PAGE_HEADERS: Record<string, string> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': PAGE_CSP,
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
};

const STYLE = [
  'body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;background:#f5f5f5}',
  'main{max-width:32rem;margin:2rem auto;padding:1.5rem;background:#fff;border-radius:8px}',
  'h1{font-size:1.4rem;margin:0 0 1rem}',
  'button{font:inherit;padding:.75rem 1.25rem;border:0;border-radius:6px;background:#1f4fd1;color:#fff;cursor:pointer;min-height:44px}',
  'button:focus-visible{outline:3px solid #f0a500;outline-offset:2px}',
].join('');

/** What a page opened from a test link (TEST_LINK, `settle render --send-to`) says first. */
export const TEST_LINK_NOTICE = 'Test link — nothing is recorded';

/** The banner at the top of a test link's page (inline style: the pages' CSP allows it). */
export function testLinkBanner(): string {
  return (
    '<p role="note" style="margin:0 0 1rem;padding:.75rem 1rem;border:2px solid #b45309;border-radius:8px;background:#fff7ed;color:#7c2d12;font-weight:600">' +
    `${escapeHtml(TEST_LINK_NOTICE)}. This link came from a test send: no visit, click, opt-out or payment is recorded.</p>`
  );
}

/** A complete page; `body` is trusted HTML (escape what goes into it). */
export function page(opts: { lang: string; title: string; body: string }): string {
  return `<!doctype html><html lang="${escapeHtml(opts.lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(opts.title)}</title><style>${STYLE}</style></head><body><main>${opts.body}</main></body></html>`;
}

/** The page language of a debtor locale ("fr-BE" → fr), by the templates' rule (chooseLocale), else `fallback`. */
export function pageLanguage<T extends string>(locale: string | undefined, available: readonly T[], fallback: T): T {
  return chooseLocale(available, locale, fallback) as T;
}
