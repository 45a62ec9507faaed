/** What every step handler works with: the plan, the input, the durable state, the port and journey-level helpers. */
import { celInputAt, celRecordValues, compileCel, type CelRecordValues, type CompiledCel } from '../core/cel.js';
import { isValidTimeZone } from '../core/timezone.js';
import { debtorPolicy } from '../core/policy/debtor.js';
import type { JourneyPlan, PlanPolicy, PlanStep } from '../ir/index.js';
import type { MessageContext } from '../activities/types.js';
import type { RuntimePort } from './port.js';
import { audit, engagementCounts, goalReached } from './state.js';
import type { AuditEntry, AuditKind, JourneyInput, JourneyState } from './types.js';

/** A handler's answer: the next step id, or the end of the journey with an outcome. */
export type StepResult = { next: string } | { end: string };

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
    this.recordValues ??= celRecordValues(this.input.enrollment, this.timezone, this.plan.attributes);
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
   * Waits in journey time until `untilMs`, waking early only when the goal is reached.
   * Returns false when the goal ended the wait.
   */
  async sleepUntil(untilMs: number, step: string): Promise<boolean> {
    if (this.goalReached()) return false;
    if (untilMs <= this.port.now()) return true;
    this.port.waiting(step);
    const woke = await this.port.waitUntil(() => this.goalReached(), untilMs - this.port.now());
    return !woke;
  }
}
