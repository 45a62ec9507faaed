/**
 * The server's HTML pages share this module: escaping, the one page shell and the one security
 * policy and header set. A shell is self-contained, mobile-first and accessible — no script and
 * no external resource, so the pages work under a strict Content-Security-Policy and load fast on
 * a phone. The small pages (opt-out, errors) use the plain style below; the payment pages bring
 * their own stylesheet (landing/layout.ts) and the policy options they need.
 */

import { chooseLocale } from '../../core/locale.js';
import { escapeHtml } from '../../templates/escape.js';

/** What a page needs beyond the strict default policy. */
export interface PagePolicyOptions {
  /**
   * Forms may lead to any https site: the pay button posts to this server, which answers with a
   * redirect to Stripe's https checkout, and browsers apply form-action to that redirect too.
   */
  formRedirectsToHttps?: boolean;
  /** `data:` images are allowed. */
  dataImages?: boolean;
}

/** The security policy of a page: nothing loads from elsewhere; forms post to this server. */
export function pageCsp(o: PagePolicyOptions = {}): string {
  return [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    ...(o.dataImages ? ['img-src data:'] : []),
    o.formRedirectsToHttps ? "form-action 'self' https:" : "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/** The headers of an HTML page of the server, with its policy. */
export function pageHeaders(o: PagePolicyOptions = {}): Record<string, string> {
  return {
    'content-type': 'text/html; charset=utf-8',
    // Personal figures: never cached by a proxy or the back/forward cache of a shared device.
    'cache-control': 'no-store',
    'content-security-policy': pageCsp(o),
    // The token in the URL must not leak to Stripe (or anyone) through the Referer header.
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'x-robots-tag': 'noindex, nofollow',
  };
}

/** Headers of the small pages (opt-out, errors): the strict policy. */
export const PAGE_HEADERS = pageHeaders();

/** Headers of the payment pages: the pay button leads to Stripe's https checkout. */
export const LANDING_HEADERS = pageHeaders({ formRedirectsToHttps: true, dataImages: true });

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

export interface PageOptions {
  lang: string;
  title: string;
  /** Trusted HTML (escape what goes into it). */
  body: string;
  /** The stylesheet; default the small pages' plain style. */
  css?: string;
  /** Shown in a banner above the page: the creditor's name (plain text). */
  brand?: string;
  /** Plain text below the page. */
  footer?: string;
}

/** A complete page. */
export function page(o: PageOptions): string {
  const banner = o.brand ? `<header class="top"><p>${escapeHtml(o.brand)}</p></header>` : '';
  const footer = o.footer ? `<footer><p>${escapeHtml(o.footer)}</p></footer>` : '';
  return (
    `<!doctype html><html lang="${escapeHtml(o.lang)}"><head><meta charset="utf-8">` +
    '<meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex,nofollow">' +
    '<meta name="referrer" content="no-referrer"><meta name="color-scheme" content="light">' +
    `<title>${escapeHtml(o.title)}</title><style>${o.css ?? STYLE}</style></head>` +
    `<body>${banner}<main id="main">${o.body}</main>${footer}</body></html>`
  );
}

/** The page language of a debtor locale ("fr-BE" → fr), by the templates' rule (chooseLocale), else `fallback`. */
export function pageLanguage<T extends string>(locale: string | undefined, available: readonly T[], fallback: T): T {
  return chooseLocale(available, locale, fallback) as T;
}
