/**
 * The payload codec and its HTTP endpoint (Temporal's remote codec convention): AES-256-GCM with
 * the key id in the metadata, rotation (decrypt with any listed key, encrypt with the first),
 * clear payloads passed through, tampering refused; the endpoint decodes only with the token and
 * answers CORS only for the listed origins.
 */
import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyFromSecret } from '../../src/config/encryption.js';
import { EncryptionCodec, ENCRYPTED_ENCODING, PayloadDecryptionError } from '../../src/temporal/codec.js';
import { registerCodecRoutes } from '../../src/server/routes/codec.js';

const A = { id: 'a', key: randomBytes(32) };
const B = { id: 'b', key: randomBytes(32) };
const TOKEN = 't'.repeat(32);
const UI = 'http://127.0.0.1:8233';
const record = { debtor: { firstName: 'Anna', email: 'anna@example.com', phone: '+33612345678' } };
const plain = () => defaultPayloadConverter.toPayload(record);
const meta = (p: Payload, k: string) => new TextDecoder().decode(p.metadata?.[k]);

describe('EncryptionCodec', () => {
  it('seals a payload whole: no byte of the clear text is left, the key id is in the metadata', async () => {
    const [sealed] = await new EncryptionCodec([A]).encode([plain()]);
    expect(meta(sealed!, 'encoding')).toBe(ENCRYPTED_ENCODING);
    expect(meta(sealed!, 'encryption-key-id')).toBe('a');
    const bytes = Buffer.from(sealed!.data!);
    for (const s of ['Anna', 'anna@example.com', '+33612345678', 'json/plain']) expect(bytes.includes(s)).toBe(false);
    const [opened] = await new EncryptionCodec([A]).decode([sealed!]);
    expect(defaultPayloadConverter.fromPayload(opened!)).toEqual(record);
  });

  it('rotates: new payloads under the first key, old ones still open with the key they name', async () => {
    const [old] = await new EncryptionCodec([A]).encode([plain()]);
    const rotated = new EncryptionCodec([B, A]);
    const [fresh] = await rotated.encode([plain()]);
    expect(meta(fresh!, 'encryption-key-id')).toBe('b');
    for (const p of await rotated.decode([old!, fresh!]))
      expect(defaultPayloadConverter.fromPayload(p)).toEqual(record);
    await expect(new EncryptionCodec([B]).decode([old!])).rejects.toThrow(PayloadDecryptionError);
    await expect(new EncryptionCodec([B]).decode([old!])).rejects.toThrow(/key "a", which is not among/);
  });

  it('passes clear payloads through (histories from before encryption) and refuses tampering', async () => {
    const codec = new EncryptionCodec([A]);
    expect(await codec.decode([plain()])).toEqual([plain()]);
    const [sealed] = await codec.encode([plain()]);
    const data = Buffer.from(sealed!.data!);
    data[20] = data[20]! ^ 1;
    await expect(codec.decode([{ ...sealed!, data }])).rejects.toThrow(/does not authenticate/);
    await expect(codec.decode([{ ...sealed!, data: data.subarray(0, 10) }])).rejects.toThrow(/truncated/);
  });

  it('derives a stable key from SETTLE_SECRET, named by a hash that is not the key', () => {
    const k1 = keyFromSecret('s'.repeat(40));
    expect(keyFromSecret('s'.repeat(40))).toEqual(k1);
    expect(keyFromSecret('x'.repeat(40)).key.equals(k1.key)).toBe(false);
    expect(k1.key).toHaveLength(32);
    expect(k1.id).toMatch(/^k-[0-9a-f]{12}$/);
    expect(k1.key.toString('hex')).not.toContain(k1.id.slice(2));
  });
});

describe('POST /codec/decode and /codec/encode', () => {
  let app: FastifyInstance;
  const codec = new EncryptionCodec([A]);
  const json = (p: Payload) => ({
    metadata: Object.fromEntries(
      Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v!).toString('base64')]),
    ),
    data: Buffer.from(p.data!).toString('base64'),
  });
  const post = (op: string, payload: unknown, headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }) =>
    app.inject({
      method: 'POST',
      url: `/codec/${op}`,
      headers: { 'content-type': 'application/json', ...headers },
      payload: JSON.stringify(payload),
    });

  beforeAll(async () => {
    app = Fastify();
    registerCodecRoutes(app, { codec, token: TOKEN, allowedOrigins: [UI] });
    await app.ready();
  });
  afterAll(async () => app?.close());

  it('decodes for the token holder, in protobuf JSON, and encodes back', async () => {
    const [sealed] = await codec.encode([plain()]);
    const res = await post('decode', { payloads: [json(sealed!)] });
    expect(res.statusCode).toBe(200);
    const [out] = (res.json() as { payloads: { metadata: Record<string, string>; data: string }[] }).payloads;
    expect(JSON.parse(Buffer.from(out!.data, 'base64').toString('utf8'))).toEqual(record);
    expect(Buffer.from(out!.metadata.encoding!, 'base64').toString()).toBe('json/plain');
    const enc = await post('encode', { payloads: [out] });
    expect(enc.statusCode).toBe(200);
    const back = (enc.json() as { payloads: { metadata: Record<string, string> }[] }).payloads[0]!;
    expect(Buffer.from(back.metadata.encoding!, 'base64').toString()).toBe(ENCRYPTED_ENCODING);
  });

  it('refuses without the token, with a wrong one, and on malformed bodies; decodes nothing then', async () => {
    const [sealed] = await codec.encode([plain()]);
    for (const headers of [
      {} as Record<string, string>,
      { authorization: 'Bearer nope' },
      { authorization: TOKEN },
      { authorization: `Basic ${TOKEN}` },
    ]) {
      const res = await post('decode', { payloads: [json(sealed!)] }, headers);
      expect(res.statusCode).toBe(401);
      expect(res.body).not.toContain('Anna');
    }
    for (const body of [{}, { payloads: 'x' }, { payloads: [{ data: 5 }] }, { payloads: Array(1001).fill({}) }])
      expect((await post('decode', body)).statusCode).toBe(400);
  });

  it('answers CORS preflights for the Web UI origin only', async () => {
    const pre = (origin: string) =>
      app.inject({
        method: 'OPTIONS',
        url: '/codec/decode',
        headers: { origin, 'access-control-request-method': 'POST' },
      });
    const ok = await pre(UI);
    expect(ok.statusCode).toBe(204);
    expect(ok.headers['access-control-allow-origin']).toBe(UI);
    expect(ok.headers['access-control-allow-headers']).toContain('authorization');
    const other = await pre('https://evil.example');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});
