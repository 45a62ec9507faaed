/** What every step handler works with: the plan, the input, the durable state, the port and journey-level helpers. */
import {
  celInputAt,
  celRecordValues,
  compileCel,
  evaluateBool,
  type CelRecordValues,
  type CompiledCel,
} from '../core/cel/index.js';
import { isValidTimeZone } from '../core/timezone.js';
import { debtorPolicy } from '../core/policy/debtor.js';
import type { JourneyPlan, PlanPolicy, PlanStep } from '../ir/index.js';
import type { MessageContext } from './contract.js';
import type { RuntimePort } from './port.js';
import { audit, engagementCounts, goalReached } from './state.js';
import { currentRecord, moneyKey } from './money.js';
import type { AuditEntry, AuditKind, EventRecord, JourneyInput, JourneyState } from './types.js';
import { disputeRoute, upheldSince } from './disputes.js';
import { promiseRoute } from './promises.js';
import type { EnrollmentData } from '../ir/index.js';

/** Not an outcome: the journey stops its step to take a newer version's plan (settle migrate). */
export const MIGRATING = '\u0000migrating';

/** The outcome of a journey whose dispute an operator upheld, when its plan does not name one. */
export const DISPUTE_UPHELD = 'disputeUpheld';

/** The outcome of a journey whose debt a re-enrollment moved to another journey (`reenroll: move`). */
export const MOVED = 'moved';

/**
 * A handler's answer: the next step id, or the end of the journey with an outcome. `interrupt`
 * when an event sent the journey elsewhere mid-step (its sequence number is then consumed).
 */
export type StepResult = { next: string; interrupt?: { seq: number; event: string } } | { end: string };

/**
 * The policy in force for this journey's debtor: the plan's, or the one its `policyByCountry`
 * names for their country, with their own country's and region's holidays (the plan's own
 * `policy` object for plans without either).
 */
export function journeyPolicy(input: JourneyInput): PlanPolicy {
  const { debtor } = input.enrollment;
  return debtorPolicy(input.plan, { country: debtor.country, region: debtor.region });
}

/** The debtor's time zone: theirs when valid, else the policy's fallback. */
export function journeyTimezone(input: JourneyInput): string {
  const tz = input.enrollment.debtor.timezone;
  return tz !== undefined && isValidTimeZone(tz) ? tz : journeyPolicy(input).timezoneFallback;
}

/**
 * Compiled CEL per plan object, shared by every journey that runs that plan: the simulator runs
 * thousands of debts on one plan, a workflow on its own (deserialised) copy. Pure data derived
 * from the plan, so deterministic and safe in the workflow sandbox.
 */
const celByPlan = new WeakMap<JourneyPlan, Map<string, CompiledCel>>();

export class JourneyContext {
  readonly plan: JourneyPlan;
  /** The policy in force for this debtor (journeyPolicy). */
  readonly policy: PlanPolicy;
  /** The debtor's time zone: theirs when valid, else the policy's fallback. */
  readonly timezone: string;
  private readonly cel: Map<string, CompiledCel>;

  constructor(
    readonly input: JourneyInput,
    readonly state: JourneyState,
    readonly port: RuntimePort,
  ) {
    this.plan = input.plan;
    this.policy = journeyPolicy(input);
    this.timezone = journeyTimezone(input);
    let cel = celByPlan.get(this.plan);
    if (!cel) {
      cel = new Map();
      celByPlan.set(this.plan, cel);
    }
    this.cel = cel;
  }

  step(id: string): PlanStep {
    const s = this.plan.steps.find((x) => x.id === id);
    if (!s) throw new Error(`plan ${this.plan.journey} v${this.plan.version} has no step ${id}`);
    return s;
  }

  goalReached(): boolean {
    return goalReached(this.state, this.plan.goal);
  }

  /** exitWhen's answer for the sequence number it was last evaluated at. */
  private exitWhenAt: { seq: number; outcome: string | undefined } | undefined;

  /**
   * Why the journey must leave its step now, if it must: the goal; an `exitOn` event or an
   * `exitWhen` condition (the journey ends with that outcome); an `interrupt` (the journey goes
   * to its step). Only events of this journey count (not those carried over from an earlier one).
   * Events the current step takes itself (a waitFor that lists them, an interrupt to the step it
   * is in) do not interrupt it. Pure: evaluated in wait conditions.
   */
  stopNow(): StepResult | undefined {
    const { state, plan } = this;
    if (this.goalReached()) return { end: plan.goal };
    if (state.moveTo !== undefined) return { end: MOVED };
    if (state.migrateTo !== undefined) return { end: MIGRATING };
    const from = state.legStartSeq ?? 0;
    const exitOn = plan.exitOn;
    if (exitOn !== undefined && exitOn.length > 0) {
      for (const e of state.events) if (e.seq > from && exitOn.includes(e.type)) return { end: e.type };
    }
    if (plan.exitWhen !== undefined && plan.exitWhen.length > 0) {
      if (this.exitWhenAt?.seq !== state.seq) this.exitWhenAt = { seq: state.seq, outcome: this.evaluateExitWhen() };
      if (this.exitWhenAt.outcome !== undefined) return { end: this.exitWhenAt.outcome };
    }
    // A dispute upheld by an operator ends the journey, from any step.
    if (upheldSince(state, from) !== undefined) return { end: plan.disputes?.upheldOutcome ?? DISPUTE_UPHELD };
    const interrupts = plan.interrupts;
    if (interrupts !== undefined || plan.disputes !== undefined || plan.promises !== undefined) {
      const after = Math.max(from, state.interruptSeq ?? 0);
      const current = plan.steps.find((x) => x.id === state.current);
      for (const e of state.events) {
        if (e.seq <= after) continue;
        const to = this.interruptTo(e);
        if (to === undefined || this.absorbs(current, e.type, to)) continue;
        return { next: to, interrupt: { seq: e.seq, event: e.type } };
      }
    }
    return undefined;
  }

  /** The step an event sends the journey to from any step: `interrupts`, or what `disputes` says. */
  private interruptTo(e: EventRecord): string | undefined {
    return (
      this.plan.interrupts?.[e.type] ??
      disputeRoute(this.plan.disputes, this.state, e) ??
      promiseRoute(this.plan, this.state, e)
    );
  }

  /** Does the step take this event itself (no interrupt)? */
  private absorbs(step: PlanStep | undefined, event: string, to: string): boolean {
    if (step === undefined) return false;
    if (step.id === to) return true;
    return step.kind === 'waitFor' && (step.events as string[]).includes(event);
  }

  /**
   * After a step ends on its own, the events it took itself are consumed, so they never
   * interrupt a later step. The first event that would interrupt stays pending.
   */
  settleInterrupts(stepId: string): void {
    const { state, plan } = this;
    if (plan.interrupts === undefined && plan.disputes === undefined && plan.promises === undefined) return;
    const step = plan.steps.find((x) => x.id === stepId);
    let seq = Math.max(state.legStartSeq ?? 0, state.interruptSeq ?? 0);
    for (const e of state.events) {
      if (e.seq <= seq) continue;
      const to = this.interruptTo(e);
      if (to !== undefined && !this.absorbs(step, e.type, to)) break;
      seq = e.seq;
    }
    if (seq > (state.interruptSeq ?? 0)) state.interruptSeq = seq;
  }

  private evaluateExitWhen(): string | undefined {
    const input = this.celInput();
    for (const [i, rule] of (this.plan.exitWhen ?? []).entries()) {
      try {
        if (evaluateBool(this.compiled(rule.when), input)) return rule.outcome;
      } catch {
        // A record without an optional field: the rule does not hold (as a branch case). Not
        // noted here: this runs inside wait conditions, which must not change the state.
        void i;
      }
    }
    return undefined;
  }

  /** The record with the current figures (what is owed and paid, the plan, a re-enrollment's facts). */
  record(): EnrollmentData {
    const key = moneyKey(this.state);
    const base = this.state.enrollment ?? this.input.enrollment;
    if (this.recordCache === undefined || this.recordCache.key !== key || this.recordCache.base !== base) {
      this.recordCache = { key, base, record: currentRecord(this.input, this.state) };
      this.recordValues = undefined;
    }
    return this.recordCache.record;
  }

  private recordCache: { key: string; base: EnrollmentData; record: EnrollmentData } | undefined;

  note(
    kind: AuditKind,
    message: string,
    step?: string,
    detail?: Pick<AuditEntry, 'channel' | 'reason' | 'until'>,
  ): void {
    // Built field by field (no spreads: this runs for every step), in the order the spreads gave.
    const entry: AuditEntry = { at: this.port.now(), kind, message };
    if (step !== undefined) entry.step = step;
    if (detail !== undefined) {
      for (const k in detail) {
        if (k === 'channel') entry.channel = detail.channel;
        else if (k === 'reason') entry.reason = detail.reason;
        else if (k === 'until') entry.until = detail.until;
      }
    }
    audit(this.state, entry);
  }

  /** The key of this visit of a step: workflowId/stepId/visit. */
  key(stepId: string): string {
    return `${this.port.workflowId}/${stepId}/${this.state.visits[stepId] ?? 1}`;
  }

  /** Compiles a CEL expression once per plan (the compiler has already type-checked it). */
  compiled(source: string): CompiledCel {
    let c = this.cel.get(source);
    if (!c) {
      c = compileCel(source, this.plan.attributes);
      this.cel.set(source, c);
    }
    return c;
  }

  /** The record's CEL values in the journey's zone, converted on first use (the record never changes). */
  private recordValues: CelRecordValues | undefined;

  celInput() {
    const engagement = engagementCounts(this.state);
    const nowMs = this.port.now();
    const record = this.record();
    this.recordValues ??= celRecordValues(record, this.timezone, this.plan.attributes);
    return celInputAt(this.recordValues, nowMs, engagement);
  }

  /** What every activity of a step is told about where it runs (MessageContext). */
  messageContext(stepId: string): MessageContext {
    const variant = this.variant();
    const m: MessageContext = {
      key: this.key(stepId),
      workflowId: this.port.workflowId,
      journey: this.plan.journey,
      version: this.plan.version,
      step: stepId,
      debtId: this.input.enrollment.debtId,
    };
    if (variant !== undefined) m.variant = variant;
    if (this.input.options.segment !== undefined) m.segment = this.input.options.segment;
    return m;
  }

  /** The variant of the most recent split, for message metadata and metrics. */
  variant(): string | undefined {
    const names = Object.values(this.state.variants);
    return names[names.length - 1];
  }

  /**
   * Waits in journey time until `untilMs`. Wakes early when the journey must stop (stopNow: the
   * goal, an exit, an interrupt), answering where to go, or when `also` holds (undefined then,
   * as when the time is up).
   */
  async sleepUntil(untilMs: number, step: string, also?: () => boolean): Promise<StepResult | undefined> {
    const stop = this.stopNow();
    if (stop) return stop;
    if (untilMs <= this.port.now() || also?.()) return undefined;
    this.port.waiting(step);
    await this.port.waitUntil(() => this.stopNow() !== undefined || (also?.() ?? false), untilMs - this.port.now());
    return this.stopNow();
  }
}
