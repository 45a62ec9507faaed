/**
 * The runtime port: everything the interpreter needs from the outside world, and nothing more.
 * The Temporal binding (journey-workflow.ts), the fake runtime of the tests and `settle simulate`
 * each implement it, so one interpreter drives all three.
 */
import type {
  Activities,
  ContactDecision,
  LedgerBounceInput,
  LedgerConsentInput,
  ReserveContactInput,
} from './contract.js';
import type { JourneyPlan, PlanRetry } from '../ir/index.js';
import type { JourneyState, PlanRef } from './types.js';

export type ActivityName = keyof Activities;
export type ActivityInput<N extends ActivityName> = Parameters<Activities[N]>[0];
export type ActivityOutput<N extends ActivityName> = Awaited<ReturnType<Activities[N]>>;

/** An activity's final result: its value, or why it failed for good (after its retries). */
export type ActivityOutcome<T> = { ok: true; value: T } | { ok: false; type: string; message: string };

export interface RuntimePort {
  readonly workflowId: string;
  /** Journey time, epoch ms. */
  now(): number;
  /**
   * Waits until `ready()` holds or `ms` of journey time have passed (no limit when undefined).
   * Resolves true when ready. `ready` is re-evaluated whenever a signal arrives.
   */
  waitUntil(ready: () => boolean, ms?: number): Promise<boolean>;
  /** Runs an activity with the given retry policy; failures come back as data, never thrown. */
  run<N extends ActivityName>(
    name: N,
    input: ActivityInput<N>,
    retry?: PlanRetry,
  ): Promise<ActivityOutcome<ActivityOutput<N>>>;
  /**
   * Asks the debtor's contact ledger (shared by every journey of the debtor) whether a send may
   * go now, later or never; a "send" answer is recorded there as a contact at once.
   */
  reserveContact(input: ReserveContactInput): Promise<ContactDecision>;
  /**
   * Tells the debtor's ledger that an address hard-bounced: every journey of the debtor stops
   * using it. Absent: the runtime keeps no shared ledger.
   */
  reportBounce?(input: LedgerBounceInput): Promise<void>;
  /** Tells the debtor's ledger about an opt-out the journey learned itself (a provider refused a send). */
  reportConsent?(input: LedgerConsentInput): Promise<void>;
  /**
   * Whether a behaviour change applies to this run (Temporal: `patched(id)`, false when replaying a
   * history recorded before the change). Absent: always (the simulator, tests).
   */
  patched?(id: string): boolean;
  /** The journey starts waiting at this step (search attribute SettleStep). */
  waiting(step: string): void;
  /** True when the history is long enough that the journey should continue as new (only checked between steps). */
  continueAsNewSuggested(): boolean;
  /** Continues as new with this state (never returns). */
  continueAsNew(state: JourneyState): Promise<never>;
  /**
   * The debt goes on in another journey (a hand-over): its plan by reference, the segment that
   * routed it, and the state carried over (history kept, progress reset). Never returns. Absent
   * where journeys cannot move (then a hand-over exit simply ends the journey).
   */
  handOver?(next: { to: PlanRef; segment?: string }, state: JourneyState): Promise<never>;
  /** Loads a plan from the plan store (a migration reads the version it moves to). Absent: no migrations. */
  loadPlan?(ref: PlanRef): Promise<JourneyPlan>;
  /** Goes on with another version's plan and this state (a migration). Never returns. */
  continueWithPlan?(plan: JourneyPlan, state: JourneyState): Promise<never>;
}
