/**
 * Signed tokens for the links Settle puts in messages (payment page `/p/`, opt-out `/u/`, and
 * later the open pixel and click redirect): the link itself says which journey, step, channel
 * and message it belongs to, so the HTTP server needs no lookup table and nobody can guess or
 * forge another debtor's link.
 *
 * Format: `<base64url(JSON claims)>.<base64url(HMAC-SHA256(secret, first part))>`. The MAC is
 * truncated to 128 bits (as RFC 4868 allows) because these links travel in SMS, where every
 * character costs. Tokens do not expire unless a TTL is given: a payment link in an old SMS
 * must keep working.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Claim values are small scalars; `iat` (issued-at) and `exp` are unix seconds, set by signToken. */
export type TokenClaims = Record<string, string | number | boolean>;

export type SignedClaims<T extends TokenClaims = TokenClaims> = T & { iat: number; exp?: number };

const MAC_BYTES = 16;

function mac(secret: string, data: string): Buffer {
  return createHmac('sha256', secret).update(data).digest().subarray(0, MAC_BYTES);
}

function assertSecret(secret: string): void {
  if (typeof secret !== 'string' || secret.length === 0) {
    throw new TypeError('token secret is empty: set SETTLE_SECRET (at least 32 random characters)');
  }
}

/**
 * Signs `claims` (adding `iat`, and `exp` when `ttlMs` is given). `nowMs` defaults to the wall
 * clock; pass it for reproducible tokens in tests.
 */
export function signToken<T extends TokenClaims>(
  secret: string,
  claims: T,
  ttlMs?: number,
  nowMs = Date.now(),
): string {
  assertSecret(secret);
  const iat = Math.floor(nowMs / 1000);
  const signed: TokenClaims = { ...claims, iat };
  if (ttlMs !== undefined) signed.exp = Math.floor((nowMs + ttlMs) / 1000);
  const body = Buffer.from(JSON.stringify(signed), 'utf8').toString('base64url');
  return `${body}.${mac(secret, body).toString('base64url')}`;
}

function isClaims(value: unknown): value is SignedClaims {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  if (typeof record.iat !== 'number') return false;
  if (record.exp !== undefined && typeof record.exp !== 'number') return false;
  return Object.values(record).every((v) => ['string', 'number', 'boolean'].includes(typeof v));
}

/**
 * The claims of a token signed with `secret`, or undefined when it is malformed, tampered with,
 * signed with another secret or expired. The MAC is compared in constant time.
 */
export function verifyToken<T extends TokenClaims = TokenClaims>(
  secret: string,
  token: string,
  nowMs = Date.now(),
): SignedClaims<T> | undefined {
  assertSecret(secret);
  if (typeof token !== 'string' || token.length > 4096) return undefined;
  const parts = token.split('.');
  if (parts.length !== 2) return undefined;
  const [body, signature] = parts as [string, string];
  if (!/^[A-Za-z0-9_-]+$/.test(body) || !/^[A-Za-z0-9_-]+$/.test(signature)) return undefined;
  const given = Buffer.from(signature, 'base64url');
  // One valid spelling per token: base64url's last character can carry unused bits that the
  // decoder ignores, so a re-encoding must give back exactly what was sent (dedupe keys, caches
  // and logs rely on a token having one form).
  if (given.toString('base64url') !== signature) return undefined;
  const expected = mac(secret, body);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  const raw = Buffer.from(body, 'base64url');
  if (raw.toString('base64url') !== body) return undefined;
  let claims: unknown;
  try {
    claims = JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!isClaims(claims)) return undefined;
  if (claims.exp !== undefined && Math.floor(nowMs / 1000) >= claims.exp) return undefined;
  return claims as SignedClaims<T>;
}

/**
 * What a link token opens; the letter is its route's (`/p/`, `/u/`, `/t/o/`, `/t/c/`), so a
 * token taken from one link cannot be replayed on another route. `s` is the `k` parameter of
 * the Twilio status callback URL (`/webhooks/twilio/status?k=`), which names the message.
 */
export type LinkPurpose = 'p' | 'u' | 'o' | 'c' | 's';

/** The claims of a link in a message: purpose, workflow id, step, channel (or source) and message key. */
export type LinkClaims = { p: LinkPurpose; w: string; s: string; c: string; k: string } & LinkExtraClaims;

/**
 * Optional claims: `u` the target of a click redirect (purpose `c`: the server only ever redirects
 * to a signed target, never to a URL from the query string), `l` the debtor's locale (pages answer
 * in it), `h` the contact key (SettleContact hash of the address the message went to: an
 * unsubscribe reaches every running journey of that person), `v` the journey version and `a` the
 * A/B variant the message was sent under (metric labels of its opens, clicks, views and payments;
 * tokens issued before they existed have neither, and `a` is absent outside a split), `t` the test
 * marker (TEST_LINK: a link of a test send, which the server answers without recording anything).
 */
export type LinkExtraClaims = { u?: string; l?: string; h?: string; v?: string; a?: string; j?: string; t?: string };

const EXTRA_CLAIMS = ['u', 'l', 'h', 'v', 'a', 'j', 't'] as const;

/**
 * The test marker of the links in a message sent by `settle render --send-to`: the same signed
 * token as a debtor's link, plus `t: '1'`. The server answers such a link (the page, the pixel, the
 * redirect) but records nothing: no signal, no metric, no Stripe session.
 */
export const TEST_LINK = { t: '1' } as const;

/** Is this a link of a test send (see TEST_LINK)? */
export function isTestLink(claims: { t?: unknown }): boolean {
  return claims.t === TEST_LINK.t;
}

/**
 * The `v`, `a` and `j` claims of a message: its journey version, inside a split its variant, and
 * its journey (the workflow id `settle/<debtId>` no longer names it; older links go without).
 */
export function versionClaims(message: {
  version: number | string;
  variant?: string | undefined;
  journey?: string | undefined;
}): { v: string; a?: string; j?: string } {
  const out: { v: string; a?: string; j?: string } = { v: String(message.version) };
  if (message.variant !== undefined) out.a = message.variant;
  if (message.journey !== undefined) out.j = message.journey;
  return out;
}

export function signLinkToken(secret: string, claims: LinkClaims, ttlMs?: number, nowMs?: number): string {
  const present: TokenClaims = {};
  for (const [name, value] of Object.entries(claims)) if (value !== undefined) present[name] = value as string;
  return signToken(secret, present, ttlMs, nowMs);
}

/** The claims of a valid link token for `purpose`, or undefined (bad signature, expired, other purpose). */
export function verifyLinkToken(
  secret: string,
  token: string,
  purpose: LinkPurpose,
  nowMs?: number,
): (LinkClaims & { iat: number; exp?: number }) | undefined {
  const claims = verifyToken(secret, token, nowMs);
  if (!claims || claims.p !== purpose) return undefined;
  const complete = (['w', 's', 'c', 'k'] as const).every((name) => typeof claims[name] === 'string');
  const extrasOk = EXTRA_CLAIMS.every((name) => claims[name] === undefined || typeof claims[name] === 'string');
  return complete && extrasOk ? (claims as LinkClaims & { iat: number; exp?: number }) : undefined;
}
