/** Failure types (ApplicationFailure.type) that activities raise and the interpreter routes on. Workflow-safe. */
export const FAILURE = {
  /** The recipient was refused for good (SMTP 5xx, invalid number): a hard bounce. */
  hardBounce: 'HardBounce',
  /** The provider says the person opted out (Twilio 21610). */
  optedOut: 'OptedOut',
  /** Missing address, bad configuration: retrying cannot help. */
  invalidInput: 'InvalidInput',
  /** Temporary refusal (SMTP 4xx): retried, then a soft bounce. */
  softBounce: 'SoftBounce',
} as const;
