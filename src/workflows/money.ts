/**
 * Money that moves: every payment a journey hears (full, partial, an instalment) lowers what is
 * still owed, and a payment that carries a plan (`instalments: N`, the debtor's choice on the
 * payment page) agrees the plan and holds its schedule. The goal `paid` means paid in full: a
 * payment is recorded as `paid` when nothing is owed after it and as `partiallyPaid` otherwise,
 * whatever the provider called it. Expressions, templates and the payment page read the current
 * figures through `currentRecord`. Pure and workflow-safe.
 */
import { fromMinorUnits, instalmentScheduleMinorUnits, toMinorUnits } from '../core/money.js';
import { DEFAULT_INSTALMENT_INTERVAL_MS, type EnrollmentData, type JourneyPlan } from '../ir/index.js';
import { preferencesOf } from './self-service.js';
import type { AgreedPlan, EngagementSignal, JourneyState, MoneyState } from './types.js';

/** Journeys started since this change track payments (older histories replay without). */
export const MONEY_PATCH = 'settle-money-moves';

/** Payments kept in the state (the totals keep counting beyond). */
const MAX_PAYMENTS = 100;

/** The record as the journey knows it now: a re-enrollment's facts, else the input's. */
export function baseRecord(input: { enrollment: EnrollmentData }, state: JourneyState): EnrollmentData {
  return state.enrollment ?? input.enrollment;
}

export function startMoney(record: EnrollmentData): MoneyState {
  return { currency: record.debt.currency, due: record.debt.amountDue, paid: 0, payments: [] };
}

/** Instalments of the plan covered by what was paid towards it. */
export function instalmentsPaid(plan: AgreedPlan): number {
  let covered = 0;
  let k = 0;
  for (; k < plan.count; k++) {
    covered += plan.amountsMinor[k]!;
    if (plan.paidMinor < covered) break;
  }
  return k;
}

function amountOf(signal: EngagementSignal): number | undefined {
  const a = signal.data?.amount;
  return typeof a === 'number' && Number.isFinite(a) && a >= 0 ? a : undefined;
}

/**
 * Applies a payment signal to the money (and plan) of the journey and returns the event type to
 * record: `paid` when nothing is owed any more, else `partiallyPaid`. A `paid` without an amount
 * (an operator's `settle event DEBT paid`) pays what is left.
 */
export function applyPayment(
  state: JourneyState,
  plan: Pick<JourneyPlan, 'paymentPlans'>,
  signal: EngagementSignal,
  at: number,
): 'paid' | 'partiallyPaid' {
  const money = state.money!;
  const currency = money.currency;
  const before = money.due;
  const amount = amountOf(signal) ?? (signal.type === 'paid' ? before : 0);
  const minor = toMinorUnits(amount, currency);
  money.paid = fromMinorUnits(toMinorUnits(money.paid, currency) + minor, currency);
  money.due = fromMinorUnits(Math.max(0, toMinorUnits(before, currency) - minor), currency);
  money.payments.push({ eventId: signal.eventId, amount, at });
  if (money.payments.length > MAX_PAYMENTS) money.payments.splice(0, money.payments.length - MAX_PAYMENTS);

  const count = signal.data?.instalments;
  const agreed = state.plan;
  if (agreed !== undefined && agreed.brokenAt === undefined) {
    agreed.paidMinor += minor;
  } else if (typeof count === 'number' && Number.isInteger(count) && count >= 2 && count <= 24 && before > 0) {
    // The first instalment of a plan over what was owed before it: the schedule as the page and Stripe charge it.
    const interval = plan.paymentPlans?.intervalMs ?? DEFAULT_INSTALMENT_INTERVAL_MS;
    state.plan = {
      count,
      amountsMinor: instalmentScheduleMinorUnits(before, currency, count),
      dueAt: Array.from({ length: count }, (_, i) => at + i * interval),
      agreedAt: at,
      paidMinor: minor,
      reminded: [],
    };
  }
  return toMinorUnits(money.due, currency) <= 0 ? 'paid' : 'partiallyPaid';
}

/**
 * What is left of the next instalment (an overpayment of the earlier ones counts), or undefined
 * when every instalment is paid.
 */
export function nextInstalmentAmount(plan: AgreedPlan, currency: string): number | undefined {
  const paid = instalmentsPaid(plan);
  if (paid >= plan.count) return undefined;
  const upTo = plan.amountsMinor.slice(0, paid + 1).reduce((a, b) => a + b, 0);
  return fromMinorUnits(upTo - plan.paidMinor, currency);
}

/** YYYY-MM-DD of an instant in UTC (plan due dates are days, like the record's dueDate). */
function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The plan as the state view, the payment page and templates show it. */
export function planView(plan: AgreedPlan, currency: string) {
  return {
    count: plan.count,
    amounts: plan.amountsMinor.map((m) => fromMinorUnits(m, currency)),
    dueDates: plan.dueAt.map(isoDay),
    paid: instalmentsPaid(plan),
    ...(plan.brokenAt !== undefined && { broken: true }),
  };
}

/**
 * The record with the current figures: amountDue is what is still owed, amountPaid what was
 * paid, and the plan's fields when one is agreed. The same object while nothing changed.
 */
export function currentRecord(input: { enrollment: EnrollmentData }, state: JourneyState): EnrollmentData {
  const record = recordWithMoney(input, state);
  // The language the debtor chose on the payment page: every later message is in it.
  const locale = preferencesOf(state)?.locale;
  return locale === undefined || locale === record.debtor.locale
    ? record
    : { ...record, debtor: { ...record.debtor, locale } };
}

function recordWithMoney(input: { enrollment: EnrollmentData }, state: JourneyState): EnrollmentData {
  const base = baseRecord(input, state);
  const money = state.money;
  if (money === undefined) return base;
  const debt: { -readonly [K in keyof EnrollmentData['debt']]: EnrollmentData['debt'][K] } = {
    ...base.debt,
    amountDue: money.due,
    amountPaid: money.paid,
  };
  const plan = state.plan;
  if (plan !== undefined && plan.brokenAt === undefined) {
    const paid = instalmentsPaid(plan);
    debt.planCount = plan.count;
    debt.planAmount = fromMinorUnits(plan.amountsMinor[0]!, money.currency);
    debt.planPaid = paid;
    debt.planRemaining = plan.count - paid;
    const next = nextInstalmentAmount(plan, money.currency);
    if (next !== undefined) {
      debt.planNextAmount = next;
      debt.planNextDueDate = isoDay(plan.dueAt[paid]!);
    }
  }
  const promise = state.promises?.find((p) => p.status === 'open');
  if (promise !== undefined) debt.promisedDate = promise.date;
  return { ...base, debt };
}

/** A key that changes whenever currentRecord would (memoisation of derived values). */
export function moneyKey(state: JourneyState): string {
  const locale = preferencesOf(state)?.locale;
  return locale === undefined ? moneyKeyOfState(state) : `${moneyKeyOfState(state)}|locale:${locale}`;
}

function moneyKeyOfState(state: JourneyState): string {
  const m = state.money;
  if (m === undefined) return state.enrollment ? 'r' : '';
  const promise = state.promises?.find((x) => x.status === 'open');
  if (promise !== undefined) return `${moneyKeyOf(state, m)}|${promise.date}`;
  return moneyKeyOf(state, m);
}

function moneyKeyOf(state: JourneyState, m: NonNullable<JourneyState['money']>): string {
  const p = state.plan;
  return `${m.due}|${m.paid}|${p ? `${p.paidMinor}|${p.brokenAt ?? ''}|${p.agreedAt}` : ''}|${state.enrollment ? state.enrollment.debt.amountDue : ''}`;
}

/**
 * A re-enrollment's facts: the record as now imported (amount still due per the creditor's books,
 * due date, attributes, contact details). What is owed becomes the new amount; what was paid is
 * kept. Returns a note for the audit trail.
 */
export function applyReenrollment(state: JourneyState, record: EnrollmentData, current: EnrollmentData): string {
  const was = state.money?.due ?? current.debt.amountDue;
  state.enrollment = record;
  if (state.money !== undefined) {
    state.money.due = record.debt.amountDue;
    state.money.currency = record.debt.currency;
  }
  const parts = [`amount due ${was} → ${record.debt.amountDue} ${record.debt.currency}`];
  if (record.debt.dueDate !== current.debt.dueDate)
    parts.push(`due date ${current.debt.dueDate} → ${record.debt.dueDate}`);
  return `re-enrolled: ${parts.join(', ')}`;
}
