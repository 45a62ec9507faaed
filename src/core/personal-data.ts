/**
 * What personal data looks like in free text, and how it is masked: one set of patterns for log
 * lines (src/log), provider replies that become error messages and workflow history
 * (src/channels), and request paths in the server's logs (src/server). Pure: no I/O.
 */

const EMAIL = /[^\s@<>"'(),;:]+@[^\s@<>"'(),;:]+\.[A-Za-z]{2,}/g;
const PHONE = /\+\d[\d ().-]{6,}\d/g;
/** A signed token (src/channels/tokens.ts: base64url JSON, a dot, a base64url MAC) or any JWT-like one. */
const TOKEN = /\beyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}(?:\.[A-Za-z0-9_-]+)?/g;
/** The link routes whose next path segment is a token: the page, self-service, opt-out, the pixel and tracked links. */
const TOKEN_ROUTES = '(?:p|s|u|t\\/o|t\\/c)';
const TOKEN_PATH = new RegExp(`(\\/${TOKEN_ROUTES}\\/)[A-Za-z0-9._~%-]{6,}`, 'g');
/** A query string (it may hold tokens, addresses, numbers): from `?name=` to the end of the URL. */
const QUERY = /\?[\w.%-]+=[^\s"'<>#]*/g;
/** Cheap pre-check: text none of the patterns above can match is kept as it is. */
const SUSPECT = new RegExp(`[@+?]|eyJ|\\/${TOKEN_ROUTES}\\/`);

/** True when `text` may hold something maskPersonalData masks (a cheap test before the work). */
export function mayHoldPersonalData(text: string): boolean {
  return SUSPECT.test(text);
}

/** Masks email addresses, phone numbers, link tokens and query strings in free text. */
export function maskPersonalData(text: string): string {
  return text
    .replace(QUERY, '?…')
    .replace(TOKEN_PATH, '$1…')
    .replace(TOKEN, '<token>')
    .replace(EMAIL, '<email>')
    .replace(PHONE, '<phone>');
}

const PATH_TOKEN = new RegExp(`^(\\/${TOKEN_ROUTES}\\/)[^/?#]+`);

/** A request path as logs show it: the token of a link route replaced by "…", the query string dropped. */
export function redactUrl(url: string | undefined): string {
  const path = (url ?? '/').split('?')[0]!;
  return path.replace(PATH_TOKEN, '$1…') + ((url ?? '').includes('?') ? '?…' : '');
}
