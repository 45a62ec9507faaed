/**
 * Keys of the payload encryption (src/temporal/codec.ts). SETTLE_ENCRYPTION_KEYS lists them as
 * `id:key` pairs separated by commas, each key 32 bytes in base64 or 64 hex digits; the first
 * encrypts, all decrypt (rotation: put a new key first, keep the old ones while histories written
 * with them are within the namespace's retention). Without it the key is derived from
 * SETTLE_SECRET, so encryption is on wherever Settle runs. SETTLE_PAYLOAD_ENCRYPTION=read-only
 * decrypts but writes in clear (roll that out to every process first when turning encryption on for
 * a running fleet), off turns it off.
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

export interface EncryptionSetting {
  /** SETTLE_PAYLOAD_ENCRYPTION is not off. */
  enabled: boolean;
  /** read-only: decrypt, but write payloads in clear (the first step of a rollout). */
  readOnly?: boolean;
  /** The keys in force: explicit, else derived from the secret; absent when off or without a secret. */
  keys?: EncryptionKey[];
}

export function encryptionSetting(env: Env, secret: string | undefined, problems: string[]): EncryptionSetting {
  const mode = opt(env, 'SETTLE_PAYLOAD_ENCRYPTION') ?? 'on';
  if (mode !== 'on' && mode !== 'off' && mode !== 'read-only') {
    problems.push(`SETTLE_PAYLOAD_ENCRYPTION="${mode}" must be on, off or read-only (default on)`);
  }
  const explicit = parseEncryptionKeys(env, problems);
  if (mode === 'off') return { enabled: false };
  const readOnly = mode === 'read-only' ? { readOnly: true } : {};
  if (explicit !== undefined && explicit.length > 0) return { enabled: true, keys: explicit, ...readOnly };
  return secret !== undefined && secret.length >= 32
    ? { enabled: true, keys: [keyFromSecret(secret)], ...readOnly }
    : { enabled: true };
}

/** SETTLE_CODEC_TOKEN: the bearer token of the codec endpoint (absent: no endpoint). */
export function codecToken(env: Env, problems: string[]): string | undefined {
  const token = opt(env, 'SETTLE_CODEC_TOKEN');
  if (token !== undefined && token.length < 32) {
    problems.push('SETTLE_CODEC_TOKEN is too short: use at least 32 random characters (e.g. `openssl rand -hex 32`)');
    return undefined;
  }
  return token;
}

/** SETTLE_CODEC_ORIGINS: browser origins (the Temporal Web UI's) allowed to call the codec endpoint. */
export function codecOrigins(env: Env, problems: string[]): string[] {
  const raw = opt(env, 'SETTLE_CODEC_ORIGINS');
  if (raw === undefined) return [];
  const origins: string[] = [];
  for (const part of raw
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)) {
    try {
      const u = new URL(part);
      if (u.origin !== part.replace(/\/$/, '')) throw new Error('not an origin');
      origins.push(u.origin);
    } catch {
      problems.push(
        `SETTLE_CODEC_ORIGINS: "${part}" is not an origin — write scheme://host[:port], e.g. http://127.0.0.1:8233`,
      );
    }
  }
  return origins;
}
