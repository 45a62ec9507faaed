/**
 * The outgoing-webhook port and its fetch implementation. Journeys call customers' systems
 * (CRM, collection agency hand-over) with at-least-once delivery: the `Idempotency-Key` header
 * carries the step visit's key so a receiver can drop the duplicates an activity retry makes,
 * and the answer decides whether a retry can help (4xx no, except 408/429; 5xx and network
 * errors yes).
 */
import { SIGNATURE_HEADER, signWebhook } from './webhook-signature.js';

export interface WebhookRequest {
  /** Idempotency key (workflowId/stepId/visit), sent as `Idempotency-Key`. */
  key: string;
  url: string;
  payload: Record<string, unknown>;
  /** Aborts the call (the activity was cancelled: the worker's shutdown grace period ran out). */
  signal?: AbortSignal;
}

export interface WebhookCaller {
  /** Resolves on a 2xx answer; throws WebhookError otherwise. */
  call(request: WebhookRequest): Promise<{ status: number }>;
}

/** A failed call: `status` is the HTTP status, absent for network errors and timeouts. */
export class WebhookError extends Error {
  override readonly name = 'WebhookError';
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface HttpWebhookCallerOptions {
  /** Signs each body (Settle-Signature header) when set. */
  signingSecret?: string;
  /** Per call, default 10 s. */
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
  clock?: () => number;
}

/** Statuses worth retrying although they are 4xx: request timeout, rate limited. */
const RETRYABLE_4XX = new Set([408, 429]);

/** Where a call went, for messages: no query string or credentials (they may hold secrets). */
function where(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return 'the webhook URL';
  }
}

function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === 'string') return cause.code;
  return error instanceof Error ? error.message : String(error);
}

function failureFor(status: number, statusText: string, url: string): WebhookError {
  const answer = `${where(url)} answered ${status}${statusText ? ` ${statusText}` : ''}`;
  if (status >= 300 && status < 400) {
    return new WebhookError(`${answer}: redirects are not followed — configure the final URL`, false, status);
  }
  if (status >= 400 && status < 500 && !RETRYABLE_4XX.has(status)) {
    return new WebhookError(
      `${answer}: the receiver refused the request — check the URL and what it expects`,
      false,
      status,
    );
  }
  return new WebhookError(`${answer}: will retry`, true, status);
}

/** POSTs JSON with fetch (Node global), `User-Agent: settle`, a timeout and an optional signature. */
export function createHttpWebhookCaller(options: HttpWebhookCallerOptions = {}): WebhookCaller {
  const doFetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const clock = options.clock ?? Date.now;
  return {
    async call({ key, url, payload, signal }) {
      const body = JSON.stringify(payload);
      const headers: Record<string, string> = {
        'Content-Type': 'application/json',
        'User-Agent': 'settle',
        'Idempotency-Key': key,
      };
      if (options.signingSecret) headers[SIGNATURE_HEADER] = signWebhook(options.signingSecret, body, clock());
      let response: Response;
      try {
        response = await doFetch(url, {
          method: 'POST',
          headers,
          body,
          redirect: 'manual',
          signal: signal ? AbortSignal.any([AbortSignal.timeout(timeoutMs), signal]) : AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        const timedOut = error instanceof Error && error.name === 'TimeoutError';
        const reason = timedOut
          ? `no answer within ${timeoutMs} ms`
          : signal?.aborted
            ? 'abandoned: the worker is stopping'
            : `network error (${networkReason(error)})`;
        throw new WebhookError(`calling ${where(url)} failed: ${reason}: will retry`, true);
      }
      await response.body?.cancel().catch(() => undefined); // the answer's content is not used
      if (response.status >= 200 && response.status < 300) return { status: response.status };
      throw failureFor(response.status, response.statusText, url);
    },
  };
}
