/**
 * One debt through one journey on a virtual clock: the production interpreter (runJourney) and
 * policy engine behind VirtualPort, with activities replaced by recorders that send nothing. A
 * recorded send asks the behaviour model how the debtor answers and schedules those answers as
 * engagement signals at their instants. The run stops at the simulation's horizon: a journey
 * still waiting then is reported `running`.
 */
import type { FullSendInput, RouteDebtInput, SendMessageInput } from '../workflows/contract.js';
import type { EnrollmentData, JourneyPlan } from '../ir/index.js';
import { chooseLocale } from '../templates/locale.js';
import { runJourney } from '../workflows/interpreter.js';
import { applyEvent, initialState } from '../workflows/state.js';
import { journeyTimezone } from '../workflows/context.js';
import { localDateIso } from '../core/timezone.js';
import { nextInstalmentAmount } from '../workflows/money.js';
import { fromMinorUnits, instalmentScheduleMinorUnits, toMinorUnits } from '../core/money.js';
import type { EngagementSignal, JourneyInput, JourneyState } from '../workflows/types.js';
import { LedgerBook } from '../core/policy/index.js';
import { DebtorClock } from './debtor-clock.js';
import { ContinuedAsNew, HandedOver, Migrated, VirtualPort } from './virtual-port.js';
import { simulatedPlanRef, type SimulatedRouting } from './hand-over.js';
import type { Behaviour, MessageFacts } from './behaviour.js';
import { timeline, type TimelineEntry } from './timeline.js';
import { smsSegmentsOf } from './sms-billing.js';

/** Outcome of a journey the horizon interrupted. */
export const RUNNING = 'running';

class HorizonReached extends Error {
  constructor() {
    super('simulation horizon reached');
  }
}

/** VirtualPort whose clock never passes the horizon: a wait that would is cut short there. */
class HorizonPort extends VirtualPort {
  horizon = Infinity;
  protected override recording = false;

  override async waitUntil(ready: () => boolean, ms?: number): Promise<boolean> {
    const left = this.horizon - this.now();
    if (ms !== undefined && ms <= left) return super.waitUntil(ready, ms);
    if (await super.waitUntil(ready, Math.max(0, left))) return true;
    throw new HorizonReached();
  }
}

/** A port on a debtor's shared clock (DebtorClock), with the same horizon rule as HorizonPort. */
class SharedClockPort extends VirtualPort {
  horizon = Infinity;
  shared!: DebtorClock;
  protected override recording = false;

  override now(): number {
    return this.shared.now();
  }

  override at(at: number, apply: () => void): void {
    this.shared.at(at, apply);
  }

  override async waitUntil(ready: () => boolean, ms?: number): Promise<boolean> {
    const deadline = ms === undefined ? Infinity : this.now() + ms;
    if (await this.shared.wait(ready, Math.min(deadline, Math.max(this.now(), this.horizon)))) return true;
    if (deadline > this.horizon) throw new HorizonReached();
    return false;
  }
}

/** The locale a template is rendered in for a debtor's locale (chooseLocale, memoised per template). */
const locales = new WeakMap<FullSendInput['template'], Map<string | undefined, string>>();
function localeOf(t: FullSendInput['template'], wanted: string | undefined): string {
  let byWanted = locales.get(t);
  if (!byWanted) {
    byWanted = new Map();
    locales.set(t, byWanted);
  }
  let locale = byWanted.get(wanted);
  if (locale === undefined) {
    locale = chooseLocale(Object.keys(t.locales), wanted, t.defaultLocale);
    if (byWanted.size >= 1000) byWanted.clear();
    byWanted.set(wanted, locale);
  }
  return locale;
}

export interface SimulatedDebt {
  debtId: string;
  journey: string;
  version: number;
  segment?: string;
  variant?: string;
  outcome: string;
  amountDue: number;
  currency: string;
  events: TimelineEntry[];
  state: JourneyState;
  /** Engagement signals the behaviour model delivered (journey time), in order: the script of the run. */
  signals: { at: number; signal: EngagementSignal }[];
  /** Segments of each SMS sent, by message id (carriers bill per segment: sms-billing.ts). */
  smsSegments: Record<string, number>;
}

export interface RunDebtOptions {
  plan: JourneyPlan;
  record: EnrollmentData;
  segment?: string;
  startMs: number;
  horizonMs: number;
  behaviour: Behaviour;
  seed: number;
  /** Extra VirtualPort constructor arguments (the shared contact-ledger book). */
  portExtras?: unknown[];
  /**
   * How a debt handed over (an exit with `handOver`) is routed on: with it, the debt goes on in the
   * next journey with its history; without, such an exit simply ends the journey.
   */
  routing?: SimulatedRouting;
  /**
   * A newer version deployed while the debt runs, and `settle migrate` run at `atMs`: the debt's
   * journey (whichever it is in then) takes the newer version `plan` gives for it at its next safe
   * point, as the workflow does on the migrate signal (src/workflows/interpreter.ts).
   */
  migration?: { atMs: number; plan(journey: string): JourneyPlan | undefined };
}

export async function runDebt(o: RunDebtOptions): Promise<SimulatedDebt> {
  const debt = prepareDebt(o);
  await debt.run();
  return debt.result();
}

/**
 * Several debts of one debtor on one shared clock, with one contact ledger: caps stay per debt,
 * an opt-out heard by one journey holds for the others' later sends (as the debtor's ledger
 * workflow makes it in production). Results in the order of `debts`.
 */
export async function runDebtorDebts(debts: Omit<RunDebtOptions, 'portExtras'>[]): Promise<SimulatedDebt[]> {
  const clock = new DebtorClock(debts[0]!.startMs);
  const ledgers = new LedgerBook();
  const prepared = debts.map((o) => prepareDebt(o, { clock, ledgers }));
  await clock.run(prepared.map((p) => p.run));
  return prepared.map((p) => p.result());
}

function prepareDebt(
  o: RunDebtOptions,
  shared?: { clock: DebtorClock; ledgers: LedgerBook },
): { run: () => Promise<void>; result: () => SimulatedDebt } {
  const { record } = o;
  // The journey the debt is in: a hand-over moves it on (run below).
  let { plan, segment } = o;
  const workflowId = `settle/${record.debtId}/${plan.journey}`;
  let input: JourneyInput = {
    plan,
    enrollment: record,
    options: {
      debtorKey: record.debtor.id,
      contactKeys: simulatedContactKeys(record),
      enrolledAt: o.startMs,
      ...(segment !== undefined && { segment }),
    },
  };
  const holder = { state: initialState(input, o.startMs) };
  const signals: SimulatedDebt['signals'] = [];
  const smsSegments: Record<string, number> = {};
  // Constructed through a loose signature so the ledger book (when given) reaches VirtualPort.
  const Port = (shared ? SharedClockPort : HorizonPort) as unknown as new (
    ...args: unknown[]
  ) => HorizonPort | SharedClockPort;
  const port = new Port(
    workflowId,
    o.startMs,
    (name: string, raw: unknown, _retry: unknown, nowMs: number) => {
      switch (name) {
        case 'sendEmail':
        case 'sendSms':
          return recordSend(raw as SendMessageInput, nowMs);
        case 'createPaymentLink':
          return { url: `https://simulate.invalid/p/${(raw as { key: string }).key}` };
        case 'callWebhook':
          return { status: 200 };
        case 'routeDebt':
          return o.routing!.route(raw as RouteDebtInput, port.horizon);
        default:
          return undefined;
      }
    },
    ...(shared ? [shared.ledgers] : (o.portExtras ?? [])),
  );
  if (shared && port instanceof SharedClockPort) port.shared = shared.clock;
  port.horizon = o.horizonMs;
  if (o.routing) port.allowHandOver();
  const migration = o.migration;
  if (migration !== undefined) {
    port.allowMigration((ref) => {
      const next = migration.plan(ref.journey);
      return next?.version === ref.version ? next : undefined;
    });
    if (migration.atMs <= o.horizonMs)
      port.at(migration.atMs, () => {
        const next = migration.plan(plan.journey);
        if (holder.state.outcome !== undefined || next === undefined || next.version <= plan.version) return;
        holder.state.migrateTo = { requestId: 'simulated-migration', to: simulatedPlanRef(next) };
      });
  }

  /** The debtor's zone in the journey the debt is in now (a promised date is a day there). */
  const debtorZone = () => journeyTimezone(input);

  function recordSend(input: SendMessageInput, nowMs: number) {
    if (input.channel === 'sms') smsSegments[input.key] = smsSegmentsOf(input);
    const facts: MessageFacts = { key: input.key, channel: input.channel, journey: plan.journey, step: input.step };
    if (segment !== undefined) facts.segment = segment;
    if (input.variant !== undefined) facts.variant = input.variant;
    for (const a of o.behaviour.respond(facts, o.seed)) {
      const at = nowMs + a.afterMs;
      if (at > o.horizonMs) continue;
      // A promise to pay is made on the payment page's form: only journeys that take promises offer it.
      if ((a.type === 'promised' || a.keeps === true) && plan.promises === undefined) continue;
      port.at(at, () => {
        const data =
          a.type === 'promised'
            ? { date: localDateIso(at + (a.withinMs ?? 7 * 86_400_000), debtorZone()) }
            : paymentData(a.type, plan, holder.state, o.behaviour.partialShare);
        const signal: EngagementSignal = {
          eventId: `${input.key}/${a.type}`,
          type: a.type,
          messageId: input.key,
          at: new Date(at).toISOString(),
          ...(data !== undefined && { data }),
        };
        signals.push({ at, signal });
        const applied = applyEvent(holder.state, signal, port.now(), plan);
        // A STOP reaches the debtor's ledger too (the server sends the optOut signal with it; the
        // journey tells its ledger): every journey of the debtor sees it.
        if (applied && a.type === 'optedOut') port.ledgers.get(record.debtor.id).optOut(input.channel);
        // A hard bounce too (the journey tells its ledger): the address is refused for every debt of
        // the debtor, and the message that never arrived no longer counts against caps and the gap.
        if (applied && a.type === 'bounced') {
          const contactKey = simulatedContactKey(input.channel, record);
          const sent = holder.state.sends.find((s) => s.messageId === input.key);
          port.ledgers.get(record.debtor.id).bounce({
            channel: input.channel,
            ...(contactKey !== undefined && { contactKey }),
            debtId: record.debtId,
            at,
            ...(sent !== undefined && { message: { workflowId, at: sent.at } }),
          });
        }
      });
    }
    // The send step chose the locale (as the renderer would); an input of the old shape did not.
    const locale = 'message' in input ? input.message.locale : localeOf(input.template, record.debtor.locale);
    return { messageId: input.key, locale };
  }

  async function run(): Promise<void> {
    for (;;) {
      try {
        await runJourney(input, holder.state, port);
        break;
      } catch (e) {
        if (e instanceof HorizonReached) break;
        if (e instanceof HandedOver) {
          // As the workflow does: the next journey's plan, from its start step, the history carried.
          const next = o.routing?.plan(e.next.to);
          if (!next) throw new Error(`hand-over to ${e.next.to.journey}: no such journey in the simulation`);
          plan = next;
          segment = e.next.segment;
          const options = { ...input.options };
          delete options.segment;
          if (segment !== undefined) options.segment = segment;
          input = { plan, enrollment: record, options };
          holder.state = { ...e.state, current: plan.start };
          delete holder.state.legPending;
          continue;
        }
        if (e instanceof Migrated) {
          // As continue-as-new with the new plan does: the same debt, options and state.
          plan = e.plan;
          input = { ...input, plan };
          holder.state = e.state;
          continue;
        }
        if (!(e instanceof ContinuedAsNew)) throw e;
        holder.state = e.state;
      }
    }
  }
  return {
    run,
    result: () => result({ ...o, plan, segment }, holder.state, signals, smsSegments),
  };
}

/**
 * What a simulated payment brings, as the payment page and Stripe would report it: while a plan
 * runs, its next instalment (a debtor on a plan pays the instalment, whatever the link); else a
 * `partiallyPaid` agrees the journey's shortest plan when it offers one for this amount (its first
 * instalment, rounded as charged), or pays `partialShare` of what is owed. A `paid` pays it all.
 */
export function paymentData(
  type: EngagementSignal['type'],
  plan: JourneyPlan,
  state: JourneyState,
  partialShare: number,
): EngagementSignal['data'] {
  const money = state.money;
  if ((type !== 'paid' && type !== 'partiallyPaid') || money === undefined || money.due <= 0) return undefined;
  const currency = money.currency;
  const agreed = state.plan;
  if (agreed !== undefined && agreed.brokenAt === undefined) {
    const next = nextInstalmentAmount(agreed, currency);
    if (next !== undefined) return { amount: next, currency, instalments: agreed.count };
  }
  if (type === 'paid') return { amount: money.due, currency };
  const offered = plan.paymentPlans;
  if (offered && offered.instalments.length > 0 && money.due >= (offered.minAmount ?? 0)) {
    const count = Math.min(...offered.instalments);
    const first = instalmentScheduleMinorUnits(money.due, currency, count)[0]!;
    return { amount: fromMinorUnits(first, currency), currency, instalments: count };
  }
  return { amount: fromMinorUnits(toMinorUnits(money.due * partialShare, currency), currency), currency };
}

/**
 * The addresses' keys as enrollment orders them (email, then phone; src/workflows/contact-keys.ts).
 * The simulator has no secret and keeps everything in memory: the addresses themselves serve.
 */
export function simulatedContactKeys(record: EnrollmentData): string[] {
  return (['email', 'sms'] as const).flatMap((channel) => simulatedContactKey(channel, record) ?? []);
}

function simulatedContactKey(channel: 'email' | 'sms', record: EnrollmentData): string | undefined {
  const address = channel === 'email' ? record.debtor.email : record.debtor.phone;
  return address !== undefined ? `${channel}:${address}` : undefined;
}

function result(
  o: RunDebtOptions,
  state: JourneyState,
  signals: SimulatedDebt['signals'],
  smsSegments: SimulatedDebt['smsSegments'],
): SimulatedDebt {
  const { plan, record } = o;
  const variant = Object.values(state.variants).at(-1);
  return {
    debtId: record.debtId,
    journey: plan.journey,
    version: plan.version,
    ...(o.segment !== undefined && { segment: o.segment }),
    ...(variant !== undefined && { variant }),
    outcome: state.outcome ?? RUNNING,
    amountDue: record.debt.amountDue,
    currency: record.debt.currency,
    events: timeline(state),
    state,
    signals,
    smsSegments,
  };
}
