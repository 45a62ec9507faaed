/**
 * Turns what went wrong into the Temporal failures the workflow routes on (FAILURE in
 * types.ts): non-retryable when retrying cannot help (a hard bounce, an opt-out, a missing
 * address or a configuration error), retryable otherwise so the step's retry
 * policy applies. Failure messages end up in workflow history: they say what, why and how to
 * fix, and never quote an address or a number.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { ChannelError } from '../channels/errors.js';
import { FAILURE } from './types.js';

/** Failure type of a provider that could not be reached (retried by the step's policy). */
export const CHANNEL_UNAVAILABLE = 'ChannelUnavailable';
/** Failure type of a webhook call that failed (retryable or not, per the HTTP status). */
export const WEBHOOK_FAILED = 'WebhookFailed';

/** Bad input or configuration: retrying cannot help. */
export function invalidInput(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, FAILURE.invalidInput);
}

/** The failure for a channel refusal; `what` names the send ("email step remind-1"). */
export function channelFailure(error: ChannelError, what: string): ApplicationFailure {
  const message = `${what}: ${error.message}`;
  switch (error.kind) {
    case 'hard':
      return ApplicationFailure.nonRetryable(message, FAILURE.hardBounce);
    case 'optedOut':
      return ApplicationFailure.nonRetryable(message, FAILURE.optedOut);
    case 'config':
      return ApplicationFailure.nonRetryable(message, FAILURE.invalidInput);
    case 'soft':
      return ApplicationFailure.retryable(message, FAILURE.softBounce);
    case 'unavailable':
      return ApplicationFailure.retryable(message, CHANNEL_UNAVAILABLE);
  }
}
