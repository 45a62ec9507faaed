/** Inputs and outputs of the send-decision engine (src/core/policy). Workflow-safe: types only. */
import type { Channel } from '../../ir/index.js';

export interface Contact {
  /** Epoch ms of the contact (a send, or one already scheduled). */
  at: number;
  channel: Channel;
}

export interface SendRequest {
  channel: Channel;
  /** Epoch ms: when the journey wants to send. */
  requestedAt: number;
  /** The debtor's IANA zone; absent or unknown → policy.unknownTimezone decides. */
  timezone?: string;
  /** The debtor's recorded consent per channel (`false` always blocks that channel). */
  consent?: { email?: boolean; sms?: boolean };
  /** Channels the debtor opted out of (in any journey). */
  optedOut: readonly Channel[];
  /** Contacts of this debt across journeys, any order (90 days back is plenty for any cap). */
  history: readonly Contact[];
  /**
   * Contacts of the debtor's other debts, one list per debt, any order: counted by debtor-scoped
   * caps and the minimum gap only. Absent: none.
   */
  otherDebts?: readonly (readonly Contact[])[];
  /**
   * Seed of the policy's jitter (e.g. the send's idempotency key): the same seed always gets the
   * same offset. Without one, jitter uses the empty seed (still deterministic).
   */
  seed?: string;
}

/** `minGap`: the policy's debtor-wide minimum gap between two messages. */
export type DeferReason = 'outsideWindow' | 'holiday' | 'frequencyCap' | 'minGap';
/** `bounced`: the address hard-bounced for one of the debtor's debts (decided by the ledger). */
export type SkipReason = 'noConsent' | 'optedOut' | 'unknownTimezone' | 'frequencyCap' | 'bounced';

export type SendDecision =
  /**
   * Send at `at`: the requested instant, or up to the policy's jitter after it when the policy
   * has jitter (sleep until `at`; deciding again at `at` gives `at`).
   */
  | { action: 'send'; at: number; timezone: string }
  /** Wait until `until` (the earliest instant every rule allows), then decide again. */
  | { action: 'defer'; until: number; reason: DeferReason; timezone: string; detail: string }
  /** Do not send; the journey goes on (or takes the step's `onBlocked`). */
  | { action: 'skip'; reason: SkipReason; detail: string };
