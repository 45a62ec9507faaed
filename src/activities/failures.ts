/**
 * Turns what went wrong into the Temporal failures the workflow routes on. Their types are
 * FAILURE (src/ir/failures.ts); this file only builds the failures: non-retryable when retrying
 * cannot help (a hard bounce, an opt-out, a missing address or a configuration error), retryable
 * otherwise so the step's retry policy applies. Failure messages end up in workflow history: they say what, why and how to
 * fix, and never quote an address or a number.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { ChannelError } from '../channels/errors.js';
import { FAILURE } from '../workflows/contract.js';

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
      return ApplicationFailure.retryable(message, FAILURE.channelUnavailable);
  }
}

/** The only recipient was refused (an SMTP relay's rejected list): nothing was delivered. */
export function hardBounce(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, FAILURE.hardBounce);
}

/** A failed webhook call; `status` (when the endpoint answered) goes into the failure's details. */
export function webhookFailure(message: string, retryable: boolean, status: number | undefined): ApplicationFailure {
  const details = status === undefined ? [] : [{ status }];
  return retryable
    ? ApplicationFailure.retryable(message, FAILURE.webhookFailed, ...details)
    : ApplicationFailure.nonRetryable(message, FAILURE.webhookFailed, ...details);
}

/** An attempt abandoned because the worker stops before `what` answered: retried on the next worker. */
export function workerStopping(what: string): ApplicationFailure {
  return ApplicationFailure.retryable(
    `the worker is stopping before ${what} answered: retried on the next worker`,
    FAILURE.workerStopping,
  );
}
