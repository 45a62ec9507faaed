/**
 * Verified link tokens, remembered by their exact string: a token whose HMAC verified once is not
 * verified again (nor its base64 and JSON decoded) while it stays in this bounded LRU. Safe because
 * a token has one valid spelling (tokens.ts refuses any other encoding of the same bytes), so a
 * string seen verified is that same signed token; anything else — a tampered, forged or
 * re-encoded token — is not in here and goes through the full verification (and its 404).
 * Only successes are kept, so bad tokens cannot fill the cache. Expiry is checked on every hit.
 *
 * Each entry also carries what the route derives from the claims once per message (its event id,
 * its click target), so a repeat hit costs a map lookup.
 */
import { LRUCache } from 'lru-cache';
import { verifyLinkToken, type LinkClaims, type LinkPurpose } from '../channels/tokens.js';

export type VerifiedClaims = LinkClaims & { iat: number; exp?: number };

export interface VerifiedLink<T> {
  claims: VerifiedClaims;
  /** Route data derived from the claims (computed once, when first verified). */
  derived: T;
}

export interface VerifiedLinks<T> {
  /** The link of a valid, unexpired token of this purpose, or undefined (the route's 404). */
  get(token: string, nowMs: number): VerifiedLink<T> | undefined;
  readonly size: number;
}

/**
 * A cache for one route's purpose. `derive` turns verified claims into the route's data, or
 * undefined to refuse the token (a click token without a web target); refusals are not cached.
 */
export function verifiedLinks<T>(
  secret: string,
  purpose: LinkPurpose,
  derive: (claims: VerifiedClaims) => T | undefined,
  max = 20_000,
): VerifiedLinks<T> {
  const entries = new LRUCache<string, VerifiedLink<T>>({ max });
  return {
    get(token, nowMs) {
      const known = entries.get(token);
      if (known !== undefined) {
        const exp = known.claims.exp;
        if (exp !== undefined && Math.floor(nowMs / 1000) >= exp) {
          entries.delete(token);
          return undefined;
        }
        return known;
      }
      const claims = verifyLinkToken(secret, token, purpose, nowMs);
      if (!claims) return undefined;
      const derived = derive(claims);
      if (derived === undefined) return undefined;
      const link = { claims, derived };
      entries.set(token, link);
      return link;
    },
    get size() {
      return entries.size;
    },
  };
}
