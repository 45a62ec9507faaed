/**
 * The `callWebhook` activity: POSTs the step's payload to a URL written in the journey or, for
 * secrets and per-environment endpoints, named as `env:NAME` and resolved here from the
 * worker's environment (injected, never read from process.env). A missing variable or a bad
 * URL is a configuration error: non-retryable, naming the variable and the fix.
 */
import { Context } from '@temporalio/activity';
import { WebhookError } from '../channels/webhooks.js';
import type { ActivityDeps } from './deps.js';
import { invalidInput, webhookFailure } from './failures.js';
import type { WebhookInput, WebhookResult } from '../workflows/contract.js';

function resolveUrl(deps: ActivityDeps, input: WebhookInput): string {
  const what = `webhook step "${input.step}"`;
  let raw: string;
  if ('env' in input.url) {
    const value = deps.env[input.url.env]?.trim();
    if (!value) {
      throw invalidInput(
        `${what}: environment variable ${input.url.env} is not set on the worker — set it to the webhook URL and restart the worker`,
      );
    }
    raw = value;
  } else {
    raw = input.url.literal;
  }
  const source = 'env' in input.url ? `${input.url.env}` : 'the URL';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalidInput(`${what}: ${source} is not a valid URL — write e.g. https://crm.example.com/hooks/settle`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw invalidInput(`${what}: ${source} must be an http or https URL, not ${url.protocol}`);
  }
  return url.toString();
}

/** The activity's cancellation (the worker's grace period ran out); none outside an activity (unit tests). */
function cancellationSignal(): AbortSignal | undefined {
  try {
    return Context.current().cancellationSignal;
  } catch {
    return undefined;
  }
}

export function createCallWebhook(deps: ActivityDeps): (input: WebhookInput) => Promise<WebhookResult> {
  return async function callWebhook(input) {
    const url = resolveUrl(deps, input);
    const meta = { journey: input.journey, version: input.version, step: input.step };
    try {
      const signal = cancellationSignal();
      const { status } = await deps.webhooks.call({
        key: input.key,
        url,
        payload: input.payload,
        ...(signal && { signal }),
      });
      deps.log?.info('webhook called', { ...meta, status });
      return { status };
    } catch (error) {
      if (!(error instanceof WebhookError)) throw error;
      deps.log?.warn('webhook failed', { ...meta, status: error.status, retryable: error.retryable });
      const message = `webhook step "${input.step}": ${error.message}`;
      throw webhookFailure(message, error.retryable, error.status);
    }
  };
}
