/**
 * Every failure type (ApplicationFailure.type) that activities raise and the interpreter, the
 * metrics or the CLI read: the one place where these names are spelled. Workflow-safe. The values
 * are recorded in workflow histories and metric labels: never change one (replay depends on it).
 */
export const FAILURE = {
  /** The recipient was refused for good (SMTP 5xx, invalid number): a hard bounce. */
  hardBounce: 'HardBounce',
  /** The provider says the person opted out (Twilio 21610). */
  optedOut: 'OptedOut',
  /** Missing address, bad configuration: retrying cannot help. */
  invalidInput: 'InvalidInput',
  /** Temporary refusal (SMTP 4xx): retried, then a soft bounce. */
  softBounce: 'SoftBounce',
  /** A provider that could not be reached: retried by the step's policy. */
  channelUnavailable: 'ChannelUnavailable',
  /** A webhook call that failed: retryable or not, per the HTTP status. */
  webhookFailed: 'WebhookFailed',
  /** An activity attempt abandoned because the worker stops: retried on the next worker. */
  workerStopping: 'WorkerStopping',
} as const;
