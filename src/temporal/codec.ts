/**
 * Payload encryption with Temporal's own mechanism: a PayloadCodec in the data converter of every
 * client and worker, so workflow inputs, activity inputs and results, signals, queries and
 * continue-as-new state reach the Temporal server (its database, its backups, its Web UI) only as
 * ciphertext. Workflow code never sees the codec: it runs on the worker's main thread.
 *
 * Each payload is serialised whole (metadata and data) and sealed with AES-256-GCM under the
 * current key; the result carries `encoding: binary/encrypted` and the key's id in its metadata,
 * so keys rotate without a flag day: decryption uses whichever listed key the payload names,
 * encryption always the first. Payloads that are not encrypted (histories from before
 * encryption) pass through unchanged.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';
import type { EncryptionKey } from '../config/encryption.js';
import type { TemporalConfig } from '../config/env.js';

// A CommonJS package: its namespace is the default export under plain Node.
const ProtoPayload = proto.temporal.api.common.v1.Payload;

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
export const CIPHER_METADATA = 'encryption-cipher';
const CIPHER = 'AES256-GCM';
const IV_BYTES = 12;
const TAG_BYTES = 16;

const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | null | undefined) => (b ? new TextDecoder().decode(b) : undefined);

export class PayloadDecryptionError extends Error {}

export class EncryptionCodec implements PayloadCodec {
  private readonly byId: Map<string, Buffer>;
  private readonly current: EncryptionKey;
  private readonly encrypts: boolean;

  /**
   * `keys[0]` encrypts; every key decrypts what names it. `encrypt: false` only decrypts (payloads
   * are written in clear): the first step of turning encryption on across a running fleet, so that
   * every process can read encrypted payloads before any writes one.
   */
  constructor(keys: readonly EncryptionKey[], opts: { encrypt?: boolean } = {}) {
    this.encrypts = opts.encrypt ?? true;
    if (keys.length === 0) throw new TypeError('EncryptionCodec: at least one key');
    for (const k of keys) {
      if (k.key.length !== 32) throw new TypeError(`EncryptionCodec: key ${k.id} is ${k.key.length} bytes, not 32`);
    }
    this.current = keys[0]!;
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  get currentKeyId(): string {
    return this.current.id;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return this.encrypts ? payloads.map((p) => this.seal(p)) : payloads;
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.open(p));
  }

  private seal(payload: Payload): Payload {
    const plain = ProtoPayload.encode(payload).finish();
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return {
      metadata: {
        encoding: utf8(ENCRYPTED_ENCODING),
        [KEY_ID_METADATA]: utf8(this.current.id),
        [CIPHER_METADATA]: utf8(CIPHER),
      },
      data: Buffer.concat([iv, body, cipher.getAuthTag()]),
    };
  }

  private open(payload: Payload): Payload {
    if (text(payload.metadata?.encoding) !== ENCRYPTED_ENCODING) return payload;
    const id = text(payload.metadata?.[KEY_ID_METADATA]) ?? '';
    const key = this.byId.get(id);
    if (!key) {
      throw new PayloadDecryptionError(
        `payload encrypted with key "${id}", which is not among SETTLE_ENCRYPTION_KEYS (${[...this.byId.keys()].join(', ')}): add it back to decrypt`,
      );
    }
    const data = payload.data ?? new Uint8Array();
    if (data.length < IV_BYTES + TAG_BYTES) throw new PayloadDecryptionError('encrypted payload is truncated');
    const iv = data.subarray(0, IV_BYTES);
    const tag = data.subarray(data.length - TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAuthTag(tag);
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new PayloadDecryptionError(`encrypted payload does not authenticate under key "${id}"`);
    }
    return ProtoPayload.decode(plain);
  }
}

/** The data converter of every client and worker for `t`: encrypting unless encryption is off. */
export function dataConverterFor(
  t: Pick<TemporalConfig, 'encryptionKeys' | 'encryptionReadOnly'>,
): DataConverter | undefined {
  return t.encryptionKeys && t.encryptionKeys.length > 0
    ? { payloadCodecs: [new EncryptionCodec(t.encryptionKeys, { encrypt: !t.encryptionReadOnly })] }
    : undefined;
}

/** `{ dataConverter }` for `t`, or nothing: spread into client and worker options. */
export function withDataConverter(t: Pick<TemporalConfig, 'encryptionKeys' | 'encryptionReadOnly'>): {
  dataConverter?: DataConverter;
} {
  const dataConverter = dataConverterFor(t);
  return dataConverter ? { dataConverter } : {};
}
