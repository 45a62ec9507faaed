/**
 * The signature Settle puts on the webhooks it calls, in the scheme receivers already know from
 * Stripe: `Settle-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. Signing the
 * timestamp with the body lets a receiver refuse replays; exported so receivers written in
 * TypeScript (and our tests) verify with the same code that signs.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'Settle-Signature';

function hmacHex(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/** The header value for `body` sent at `nowMs`. */
export function signWebhook(secret: string, body: string, nowMs = Date.now()): string {
  const t = Math.floor(nowMs / 1000);
  return `t=${t},v1=${hmacHex(secret, t, body)}`;
}

/**
 * Whether `header` is a valid signature of `body` under `secret`, made at most `toleranceMs`
 * (default 5 minutes) away from `nowMs`. Any of several `v1` values may match (secret rotation).
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | undefined,
  body: string,
  nowMs = Date.now(),
  toleranceMs = 300_000,
): boolean {
  if (!header) return false;
  const pairs = header.split(',').map((part) => part.trim().split('=') as [string, string?]);
  const t = Number(pairs.find(([k]) => k === 't')?.[1]);
  if (!Number.isInteger(t) || Math.abs(nowMs - t * 1000) > toleranceMs) return false;
  const expected = Buffer.from(hmacHex(secret, t, body), 'hex');
  return pairs
    .filter(([k, v]) => k === 'v1' && v !== undefined && /^[0-9a-f]{64}$/.test(v))
    .some(([, v]) => timingSafeEqual(Buffer.from(v!, 'hex'), expected));
}
