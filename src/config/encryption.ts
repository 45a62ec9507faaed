/**
 * Keys of the payload encryption (src/temporal/codec.ts). SETTLE_ENCRYPTION_KEYS lists them as
 * `id:key` pairs separated by commas, each key 32 bytes in base64 or 64 hex digits; the first
 * encrypts, all decrypt (rotation: put a new key first, keep the old ones while histories written
 * with them are within the namespace's retention). Without it the key is derived from
 * SETTLE_SECRET, so encryption is on wherever Settle runs; SETTLE_PAYLOAD_ENCRYPTION=off turns it
 * off (a cluster whose payloads must stay readable to tools without the codec).
 */
import { createHash, hkdfSync } from 'node:crypto';
import { opt, type Env } from './parse.js';

export interface EncryptionKey {
  /** Short public name of the key, stored beside each payload (never the key itself). */
  id: string;
  /** 32 bytes. */
  key: Buffer;
}

const utf8 = (s: string) => new TextEncoder().encode(s);

/** The id under which a derived key is known: a short hash, which reveals nothing of the key. */
export function keyIdOf(key: Buffer): string {
  return `k-${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
}

/**
 * The default key: derived from SETTLE_SECRET with HKDF under its own label, so it is independent
 * of the token and search-attribute keys made from the same secret.
 */
export function keyFromSecret(secret: string): EncryptionKey {
  const key = Buffer.from(hkdfSync('sha256', utf8(secret), new Uint8Array(), utf8('settle/payload-encryption/v1'), 32));
  return { id: keyIdOf(key), key };
}

function decodeKey(raw: string): Buffer | undefined {
  if (/^[0-9a-fA-F]{64}$/.test(raw)) return Buffer.from(raw, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(raw)) {
    const b = Buffer.from(raw.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    return b.length === 32 ? b : undefined;
  }
  return undefined;
}

/** Explicit keys from SETTLE_ENCRYPTION_KEYS (undefined when unset); problems name the bad entry. */
export function parseEncryptionKeys(env: Env, problems: string[]): EncryptionKey[] | undefined {
  const raw = opt(env, 'SETTLE_ENCRYPTION_KEYS');
  if (raw === undefined) return undefined;
  const keys: EncryptionKey[] = [];
  const seen = new Set<string>();
  raw.split(',').forEach((entry, i) => {
    const m = /^\s*([A-Za-z0-9._-]{1,40}):(\S+)\s*$/.exec(entry);
    const key = m ? decodeKey(m[2]!) : undefined;
    if (!m || !key) {
      problems.push(
        `SETTLE_ENCRYPTION_KEYS entry ${i + 1} is not id:key with a 32-byte key — write e.g. 2026-12:$(openssl rand -base64 32), newest first, comma-separated`,
      );
      return;
    }
    if (seen.has(m[1]!)) problems.push(`SETTLE_ENCRYPTION_KEYS names key ${m[1]} twice: give each key its own id`);
    seen.add(m[1]!);
    keys.push({ id: m[1]!, key });
  });
  return keys;
}

/** The keys in force: explicit, else derived from the secret; none when encryption is off or there is no secret. */
export function encryptionKeys(env: Env, secret: string | undefined, problems: string[]): EncryptionKey[] | undefined {
  const mode = opt(env, 'SETTLE_PAYLOAD_ENCRYPTION') ?? 'on';
  if (mode !== 'on' && mode !== 'off') {
    problems.push(`SETTLE_PAYLOAD_ENCRYPTION="${mode}" must be on or off (default on)`);
  }
  const explicit = parseEncryptionKeys(env, problems);
  if (mode === 'off') return undefined;
  if (explicit !== undefined) return explicit.length > 0 ? explicit : undefined;
  return secret !== undefined && secret.length >= 32 ? [keyFromSecret(secret)] : undefined;
}
