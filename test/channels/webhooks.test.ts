/** The fetch webhook caller against a local HTTP server: headers, signature, and which answers are retried. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SIGNATURE_HEADER, signWebhook, verifyWebhookSignature } from '../../src/channels/webhook-signature.js';
import { createHttpWebhookCaller, WebhookError } from '../../src/channels/webhooks.js';
import { startReceiver, type WebhookReceiver } from './webhook-server.js';

const SECRET = 'whsec_'.padEnd(40, 'x');
let receiver: WebhookReceiver;
beforeEach(async () => {
  receiver = await startReceiver();
});
afterEach(async () => {
  await receiver.close();
});

const request = (path = '/hook') => ({
  key: 'settle/INV-1/j/notify/1',
  url: `${receiver.url}${path}`,
  payload: { a: 1 },
});

async function failure(promise: Promise<unknown>): Promise<WebhookError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WebhookError);
  return error as WebhookError;
}

describe('HTTP webhook caller', () => {
  it('POSTs JSON with the user agent, idempotency key and a verifiable signature', async () => {
    const caller = createHttpWebhookCaller({ signingSecret: SECRET });
    expect(await caller.call(request())).toEqual({ status: 200 });
    const [got] = receiver.requests;
    expect(got).toMatchObject({ method: 'POST', path: '/hook', body: '{"a":1}' });
    expect(got!.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'settle',
      'idempotency-key': 'settle/INV-1/j/notify/1',
    });
    const signature = got!.headers[SIGNATURE_HEADER.toLowerCase()] as string;
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(SECRET, signature, got!.body)).toBe(true);
    expect(verifyWebhookSignature(SECRET, signature, '{"a":2}')).toBe(false);
    expect(verifyWebhookSignature('other'.padEnd(40, 'y'), signature, got!.body)).toBe(false);
  });

  it('sends no signature without a secret', async () => {
    await createHttpWebhookCaller().call(request());
    expect(receiver.requests[0]!.headers[SIGNATURE_HEADER.toLowerCase()]).toBeUndefined();
  });

  it('accepts any 2xx', async () => {
    receiver.respond = () => 204;
    expect(await createHttpWebhookCaller().call(request())).toEqual({ status: 204 });
  });

  it('does not retry a 4xx (except 408 and 429), nor follow redirects', async () => {
    const caller = createHttpWebhookCaller();
    for (const [status, retryable] of [
      [400, false],
      [404, false],
      [408, true],
      [429, true],
      [302, false],
    ] as const) {
      receiver.respond = () => status;
      const error = await failure(caller.call(request('/hook?token=s3cret')));
      expect(error).toMatchObject({ status, retryable });
      expect(error.message).toContain(String(status));
      expect(error.message).not.toContain('s3cret');
      expect(error.message).not.toContain('anna@example.com');
    }
  });

  it('retries a 5xx, a refused connection and a timeout', async () => {
    receiver.respond = () => 503;
    expect(await failure(createHttpWebhookCaller().call(request()))).toMatchObject({ status: 503, retryable: true });
    receiver.respond = () => 'hang';
    const slow = await failure(createHttpWebhookCaller({ timeoutMs: 200 }).call(request()));
    expect(slow).toMatchObject({ retryable: true, status: undefined });
    expect(slow.message).toContain('no answer within 200 ms');
    const gone = await startReceiver();
    await gone.close();
    const refused = await failure(createHttpWebhookCaller().call({ ...request(), url: `${gone.url}/hook` }));
    expect(refused).toMatchObject({ retryable: true });
    expect(refused.message).toContain('ECONNREFUSED');
  });
});

describe('webhook signatures', () => {
  it('refuse stale timestamps and accept any matching v1 (rotation)', () => {
    const now = Date.parse('2026-11-05T10:00:00Z');
    const header = signWebhook(SECRET, 'body', now);
    expect(verifyWebhookSignature(SECRET, header, 'body', now + 299_000)).toBe(true);
    expect(verifyWebhookSignature(SECRET, header, 'body', now + 301_000)).toBe(false);
    const rotated = `${header},v1=${'0'.repeat(64)}`;
    expect(verifyWebhookSignature(SECRET, rotated, 'body', now)).toBe(true);
    expect(verifyWebhookSignature(SECRET, undefined, 'body', now)).toBe(false);
    expect(verifyWebhookSignature(SECRET, 'garbage', 'body', now)).toBe(false);
  });
});
