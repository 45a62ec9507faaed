/**
 * A runtime port on a virtual clock: time jumps straight to the next scheduled event or deadline.
 * It drives the interpreter in the fake-runtime tests and in `settle simulate`, with the exact
 * semantics of the Temporal binding (waits in journey time, signals wake waiting steps).
 */
import type {
  ContactDecision,
  LedgerBounceInput,
  LedgerConsentInput,
  ReserveContactInput,
} from '../workflows/contract.js';
import { LedgerBook } from '../core/policy/index.js';
import type { JourneyPlan, PlanRetry } from '../ir/index.js';
import type { ActivityName, ActivityOutcome, RuntimePort } from '../workflows/port.js';
import type { JourneyState, PlanRef } from '../workflows/types.js';

export type ActivityHandler = (
  name: ActivityName,
  input: unknown,
  retry: PlanRetry | undefined,
  nowMs: number,
) => unknown;

/** Raised by an activity handler to fail an activity for good with a failure type. */
export class VirtualActivityFailure extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export class ContinuedAsNew extends Error {
  constructor(readonly state: JourneyState) {
    super('continued as new');
  }
}

/** The debt went on to another journey (a hand-over): where to, and the state it carries. */
export class HandedOver extends Error {
  constructor(
    readonly next: { to: PlanRef; segment?: string },
    readonly state: JourneyState,
  ) {
    super(`handed over to ${next.to.journey}`);
  }
}

/** The journey took a newer version of its plan (a migration): the plan and the state it goes on with. */
export class Migrated extends Error {
  constructor(
    readonly plan: JourneyPlan,
    readonly state: JourneyState,
  ) {
    super(`migrated to v${plan.version}`);
  }
}

interface Scheduled {
  at: number;
  seq: number;
  apply: () => void;
}

export class VirtualPort implements RuntimePort {
  private clock: number;
  private queue: Scheduled[] = [];
  private seq = 0;
  readonly waits: { step: string; at: number }[] = [];
  readonly calls: { name: ActivityName; input: unknown; at: number }[] = [];
  /** Keep `calls` and `decisions` (the fake-runtime tests read them; a simulation of many debts does not). */
  protected recording = true;
  /** Asked at each step boundary: should the journey continue as new now? */
  suggestContinueAsNew: () => boolean = () => false;

  /** Every contact-rule decision asked for, in order (fresh ones only: a re-asked request is not repeated). */
  readonly decisions: { input: ReserveContactInput; decision: ContactDecision; at: number }[] = [];

  /**
   * @param ledgers the debtors' contact ledgers: pass one book to every port of a simulation so
   * that journeys of one debtor share caps and opt-outs, as the ledger workflows do in production.
   */
  constructor(
    readonly workflowId: string,
    startMs: number,
    private readonly activity: ActivityHandler,
    readonly ledgers: LedgerBook = new LedgerBook(),
  ) {
    this.clock = startMs;
  }

  now(): number {
    return this.clock;
  }

  /** Schedules something to happen at journey time `at` (a signal, usually). */
  at(at: number, apply: () => void): void {
    // Kept in order of (at, seq): after everything due at or before `at`, so ties keep their order.
    const q = this.queue;
    let lo = 0;
    let hi = q.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (q[mid]!.at <= at) lo = mid + 1;
      else hi = mid;
    }
    q.splice(lo, 0, { at, seq: this.seq++, apply });
  }

  async waitUntil(ready: () => boolean, ms?: number): Promise<boolean> {
    if (ready()) return true;
    const deadline = ms === undefined ? Infinity : this.clock + ms;
    while (this.queue.length > 0 && this.queue[0]!.at <= deadline) {
      const next = this.queue.shift()!;
      this.clock = Math.max(this.clock, next.at);
      next.apply();
      if (ready()) return true;
    }
    if (deadline === Infinity) throw new Error('waiting forever: nothing scheduled can wake this journey');
    this.clock = deadline;
    return false;
  }

  async run<N extends ActivityName>(
    name: N,
    input: Parameters<RuntimePort['run']>[1],
    retry?: PlanRetry,
  ): Promise<ActivityOutcome<never>> {
    if (this.recording) this.calls.push({ name, input, at: this.now() });
    try {
      return { ok: true, value: (await this.activity(name, input, retry, this.now())) as never };
    } catch (e) {
      if (e instanceof VirtualActivityFailure) return { ok: false, type: e.type, message: e.message };
      return { ok: false, type: (e as Error).name ?? 'Error', message: (e as Error).message };
    }
  }

  async reserveContact(input: ReserveContactInput): Promise<ContactDecision> {
    const { decision, fresh } = this.ledgers.get(input.debtorKey).reserve(input.request);
    if (fresh && this.recording) this.decisions.push({ input, decision, at: this.now() });
    return decision;
  }

  async reportBounce(input: LedgerBounceInput): Promise<void> {
    this.ledgers.get(input.debtorKey).bounce(input);
  }

  async reportConsent(input: LedgerConsentInput): Promise<void> {
    const ledger = this.ledgers.get(input.debtorKey);
    if (input.optedOut) ledger.optOut(input.channel, input.eventId);
    else ledger.optIn(input.channel, input.eventId);
  }

  waiting(step: string): void {
    const last = this.waits[this.waits.length - 1];
    if (last?.step !== step) this.waits.push({ step, at: this.now() });
  }

  continueAsNewSuggested(): boolean {
    return this.suggestContinueAsNew();
  }

  async continueAsNew(state: JourneyState): Promise<never> {
    throw new ContinuedAsNew(structuredClone(state));
  }

  /** Set (allowHandOver) where the runner can move a debt on: a hand-over then throws HandedOver. */
  handOver?: (next: { to: PlanRef; segment?: string }, state: JourneyState) => Promise<never>;

  /** Set (allowMigration) where the runner can move a journey to a newer version: `settle migrate`. */
  loadPlan?: (ref: PlanRef) => Promise<JourneyPlan>;
  continueWithPlan?: (plan: JourneyPlan, state: JourneyState) => Promise<never>;

  /**
   * Lets journeys migrate (the runner catches Migrated and goes on with the new plan): `plans`
   * answers the versions a migration asks for, as the plan store does for the workflow.
   */
  allowMigration(plans: (ref: PlanRef) => JourneyPlan | undefined): void {
    this.loadPlan = async (ref) => {
      const plan = plans(ref);
      if (plan === undefined) throw new Error(`no plan ${ref.journey} v${ref.version} to migrate to`);
      return plan;
    };
    this.continueWithPlan = async (plan, state) => {
      throw new Migrated(plan, structuredClone(state));
    };
  }

  /** Lets journeys hand their debt over (the runner catches HandedOver and runs the next journey). */
  allowHandOver(): void {
    this.handOver = async (next, state) => {
      throw new HandedOver(next, structuredClone(state));
    };
  }
}
