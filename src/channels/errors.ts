/**
 * How a channel says a send failed, independent of the provider: the activities turn the kind
 * into a Temporal failure type (hard bounce, soft bounce, opt-out, bad configuration) so the
 * workflow can route on it, and only the kind decides whether a retry can help.
 */

/**
 * - `hard`: the recipient was refused for good (SMTP 5xx, invalid number); retrying cannot help.
 * - `soft`: a temporary refusal (SMTP 4xx, greylisting, mailbox full); retry later.
 * - `unavailable`: the provider could not be reached or dropped the connection; retry.
 * - `config`: our side is misconfigured (authentication, sender refused); retrying cannot help.
 * - `optedOut`: the provider knows the person opted out (Twilio 21610).
 */
export type ChannelErrorKind = 'hard' | 'soft' | 'unavailable' | 'config' | 'optedOut';

export class ChannelError extends Error {
  override readonly name = 'ChannelError';
  constructor(
    readonly kind: ChannelErrorKind,
    message: string,
    /** Provider status (SMTP reply code, HTTP status, Twilio error code) when there is one. */
    readonly code?: number,
  ) {
    super(message);
  }

  /** Whether sending the same message again later can succeed. */
  get retryable(): boolean {
    return this.kind === 'soft' || this.kind === 'unavailable';
  }
}
