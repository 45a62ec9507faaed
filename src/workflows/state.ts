/** The journey's durable state: creation, applying events and opt-outs, engagement counts, the query view. */
import type { Channel, EngagementEvent, EnrollmentData, JourneyPlan } from '../ir/index.js';
import { applyPayment, currentRecord, planView, startMoney } from './money.js';
import { disputesOf, disputeView } from './disputes.js';
import { promisesView } from './promises.js';
import { callbacksOf, preferencesOf } from './self-service.js';
import type {
  AuditEntry,
  EngagementSignal,
  EventRecord,
  JourneyInput,
  JourneyState,
  JourneyStateView,
} from './types.js';

/** Bounds of what the state keeps, so a long journey's continue-as-new input stays small. */
export const MAX_AUDIT = 500;
export const MAX_SEEN_EVENT_IDS = 5_000;

export function initialState(input: JourneyInput, nowMs: number): JourneyState {
  return freshState(input.plan.start, input.options.enrolledAt ?? nowMs, input.enrollment);
}

/** A journey's state before anything happened: at step `current`, started at `startedAt`, the debt's money from `record`. */
export function freshState(current: string, startedAt: number, record: EnrollmentData): JourneyState {
  return {
    current,
    visits: {},
    variants: {},
    sends: [],
    events: [],
    seenEventIds: [],
    optedOut: [],
    seq: 0,
    startedAt,
    audit: [],
    money: startMoney(record),
  };
}

export function audit(state: JourneyState, entry: AuditEntry): void {
  state.audit.push(entry);
  if (state.audit.length > MAX_AUDIT) state.audit.splice(0, state.audit.length - MAX_AUDIT);
}

function channelOfMessage(state: JourneyState, messageId: string | undefined): Channel | undefined {
  return messageId === undefined ? undefined : state.sends.find((s) => s.messageId === messageId)?.channel;
}

/** Records `eventId` as seen; false when it was seen before. No id: always first (nothing to dedupe on). */
export function firstSeen(state: JourneyState, eventId: string | undefined): boolean {
  if (eventId === undefined) return true;
  if (state.seenEventIds.includes(eventId)) return false;
  state.seenEventIds.push(eventId);
  if (state.seenEventIds.length > MAX_SEEN_EVENT_IDS)
    state.seenEventIds.splice(0, state.seenEventIds.length - MAX_SEEN_EVENT_IDS);
  return true;
}

/**
 * Applies an engagement signal once per event id. Returns the record, or undefined for a repeat.
 * With money tracked (`state.money`), a payment lowers what is owed and is recorded as `paid`
 * only when nothing is owed after it (src/workflows/money.ts); `plan` gives its plan terms.
 */
export function applyEvent(
  state: JourneyState,
  signal: EngagementSignal,
  receivedAt: number,
  plan?: Pick<JourneyPlan, 'paymentPlans'>,
): EventRecord | undefined {
  if (!firstSeen(state, signal.eventId)) return undefined;
  const at = Date.parse(signal.at);
  const type =
    state.money !== undefined && (signal.type === 'paid' || signal.type === 'partiallyPaid')
      ? applyPayment(state, plan ?? {}, signal, Number.isFinite(at) ? at : receivedAt)
      : signal.type;
  const record: EventRecord = {
    seq: ++state.seq,
    eventId: signal.eventId,
    type,
    ...(signal.messageId !== undefined && { messageId: signal.messageId }),
    at: Number.isFinite(at) ? at : receivedAt,
    receivedAt,
    ...(signal.data !== undefined && { data: signal.data }),
  };
  state.events.push(record);
  if (signal.type === 'optedOut') {
    const fromData = signal.data?.channel;
    const channel =
      channelOfMessage(state, signal.messageId) ?? (fromData === 'email' || fromData === 'sms' ? fromData : undefined);
    if (channel) optOut(state, channel, receivedAt);
  }
  audit(state, {
    at: receivedAt,
    kind: 'event',
    message: `${type}${signal.messageId ? ` (message ${signal.messageId})` : ''}`,
  });
  return record;
}

export function optIn(state: JourneyState, channel: Channel, at: number): void {
  const i = state.optedOut.indexOf(channel);
  if (i < 0) return;
  state.optedOut.splice(i, 1);
  audit(state, { at, kind: 'event', message: `opted back in to ${channel}` });
}

export function optOut(state: JourneyState, channel: Channel, at: number): void {
  if (state.optedOut.includes(channel)) return;
  state.optedOut.push(channel);
  audit(state, { at, kind: 'event', message: `opted out of ${channel}` });
}

export function engagementCounts(state: JourneyState): Partial<Record<EngagementEvent, number>> {
  const counts: Partial<Record<EngagementEvent, number>> = {};
  for (const e of state.events) counts[e.type] = (counts[e.type] ?? 0) + 1;
  return counts;
}

export function goalReached(state: JourneyState, goal: EngagementEvent): boolean {
  const from = state.legStartSeq ?? 0;
  return state.events.some((e) => e.type === goal && e.seq > from);
}

export function stateView(input: JourneyInput, state: JourneyState, timezone: string): JourneyStateView {
  const { debt, debtor } = currentRecord(input, state);
  return {
    journey: input.plan.journey,
    version: input.plan.version,
    debtId: input.enrollment.debtId,
    current: state.current,
    ...(state.outcome !== undefined && { outcome: state.outcome }),
    variants: { ...state.variants },
    sends: state.sends.map((s) => ({ ...s })),
    events: state.events.map((e) => ({ ...e })),
    engagement: engagementCounts(state),
    optedOut: [...state.optedOut],
    audit: state.audit.map((a) => ({ ...a })),
    debt: {
      reference: debt.reference,
      amountDue: debt.amountDue,
      currency: debt.currency,
      dueDate: debt.dueDate,
      ...(debt.creditor !== undefined && { creditor: debt.creditor }),
    },
    debtor: { firstName: debtor.firstName, timezone, ...(debtor.locale !== undefined && { locale: debtor.locale }) },
    ...(input.plan.paymentPlans && { paymentPlans: input.plan.paymentPlans }),
    goal: input.plan.goal,
    ...(state.money !== undefined && { amountPaid: state.money.paid }),
    ...(state.plan !== undefined && state.money !== undefined && { plan: planView(state.plan, state.money.currency) }),
    ...(state.path !== undefined && state.path.length > 0 && { path: state.path.map((l) => ({ ...l })) }),
    ...(state.migrations !== undefined && { migrations: state.migrations.map((m) => ({ ...m })) }),
    ...disputesView(input, state),
    ...promisesView(input.plan, state),
    ...selfServiceView(input.plan, state),
  };
}

/** Call-backs and preferences, and the forms the plan offers for them. */
function selfServiceView(
  plan: JourneyInput['plan'],
  state: JourneyState,
): Pick<JourneyStateView, 'callbacks' | 'callbackForm' | 'preferences' | 'preferenceForm'> {
  const callbacks = callbacksOf(state).map((c) => ({ date: c.date, slot: c.slot, at: c.at }));
  const preferences = preferencesOf(state);
  return {
    ...(callbacks.length > 0 && { callbacks }),
    ...(plan.callbacks !== undefined && {
      callbackForm: { days: plan.callbacks.days, slots: [...plan.callbacks.slots] },
    }),
    ...(preferences !== undefined && { preferences: { ...preferences } }),
    ...(plan.preferences !== undefined && { preferenceForm: { languages: [...plan.preferences.languages] } }),
  };
}

/** The debt's disputes and the plan's dispute form, for the payment page and `settle status`. */
function disputesView(input: JourneyInput, state: JourneyState): Pick<JourneyStateView, 'disputes' | 'disputeForm'> {
  const form = input.plan.disputes;
  const disputes = disputesOf(state, form).map(disputeView);
  return {
    ...(disputes.length > 0 && { disputes }),
    ...(form !== undefined && { disputeForm: { reasons: [...form.reasons], maxLength: form.maxLength } }),
  };
}
