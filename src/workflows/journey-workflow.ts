/**
 * journeyWorkflow: binds the interpreter to Temporal. Handlers are registered before any await
 * but the plan's loading (signals sent with or right after the start are buffered by the SDK
 * until then, never lost), only push into state, and never throw. Activities are proxied per retry policy; failures come back to the interpreter
 * as data. Business metrics are never emitted here (a replay must not count twice).
 */
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from './contract.js';
import { FAILURE } from '../ir/index.js';
import type { PlanRetry } from '../ir/index.js';
import { consentOnlyDecision } from '../core/policy/index.js';
import { canonicalJson } from '../core/canonical-json.js';
import './sandbox-date.js';
import {
  engagementSignal,
  migrateSignal,
  optInSignal,
  optOutSignal,
  reenrollSignal,
  stateQuery,
} from './definitions.js';
import { runJourney } from './interpreter.js';
import type { ActivityName, RuntimePort } from './port.js';
import { journeyAttributes, SA, SearchAttributeBatch } from './search-attributes.js';
import { sharedPlan } from './shared-plans.js';
import { SEND_SEQ_PATCH } from './steps-send.js';
import { applyEvent, audit, firstSeen, initialState, optIn, optOut, stateView } from './state.js';
import { applyReenrollment, baseRecord, currentRecord, MONEY_PATCH } from './money.js';
import type {
  EngagementSignal,
  EventRecord,
  JourneyInput,
  JourneyResult,
  JourneyStartInput,
  OptOutSignal,
} from './types.js';
import { callbackOf, callbackWebhook } from './self-service.js';
import { disputesOf } from './disputes.js';
import { asEngagementSignal, asMigrateSignal, asOptOutSignal, asReenrollSignal } from './validate-signal.js';
import { journeyTimezone } from './context.js';
import { contactKeyOf, DEBTOR_BOUNCE_PATCH } from './contact-keys.js';

const NON_RETRYABLE = [FAILURE.hardBounce, FAILURE.optedOut, FAILURE.invalidInput];
const DEFAULT_RETRY: PlanRetry = { maxAttempts: 10, initialIntervalMs: 1_000, backoff: 2, maxIntervalMs: 300_000 };

/**
 * Journeys started before the contact ledger existed replay without it (their sends checked only
 * consent, opt-out and address, in workflow code): see consentOnlyDecision.
 */
export const LEDGER_PATCH = 'settle-contact-ledger';

/**
 * A fresh journey's first act is the journeyStarted activity (journeys started and amount enrolled
 * are counted by the worker, once per journey); journeys started before it existed replay without.
 */
export const STARTED_PATCH = 'settle-journey-started';
/**
 * A fresh journey sets SettleStep (its start step, or where a continued run resumes) in its first
 * workflow task, so operators find it by step before it first waits; journeys started before this
 * replay without (their SettleStep appears when they first wait).
 */
export const STEP_AT_START_PATCH = 'settle-step-at-start';
/** Consent changes are told to the debtor's ledger one after the other, in the order heard. */
export const CONSENT_ORDER_PATCH = 'settle-consent-in-order';
/**
 * A fresh journey records one patch marker (and the SDK's TemporalChangeVersion upsert) that stands
 * for every patch before it, instead of one of each per patch, and sends the search-attribute
 * changes of a workflow task as one upsert (SearchAttributeBatch): 4 events of overhead per journey
 * instead of 11. Journeys recorded before it replay without it (each patch asked for, each upsert
 * at once).
 */
export const LEAN_HISTORY_PATCH = 'settle-lean-history';
/** A reservation waits for the bounce reports the journey is still sending its ledger. */
export const RESERVE_AFTER_REPORTS_PATCH = 'settle-reserve-after-reports';
/** The second generation of LEAN_HISTORY_PATCH: it also stands for the money and debtor-bounce patches. */
export const LEAN_HISTORY_2_PATCH = 'settle-lean-history-2';
const LEAN_1: readonly string[] = [
  LEDGER_PATCH,
  STARTED_PATCH,
  STEP_AT_START_PATCH,
  CONSENT_ORDER_PATCH,
  SEND_SEQ_PATCH,
];
/**
 * Lean-history generations, newest first, each with the patches a run of it has without asking.
 * Never add to a generation: a patch made after it goes through patched() (its runs recorded before
 * the patch must replay without it), until a new generation, first in this list, stands for it too
 * (new runs then record that one marker; older runs find their own generation's marker).
 */
const LEAN_GENERATIONS: readonly { id: string; implies: ReadonlySet<string> }[] = [
  { id: LEAN_HISTORY_2_PATCH, implies: new Set([...LEAN_1, MONEY_PATCH, DEBTOR_BOUNCE_PATCH]) },
  { id: LEAN_HISTORY_PATCH, implies: new Set(LEAN_1) },
];

/** The patches this run has by its lean generation (undefined: recorded before lean histories). */
function leanPatches(): ReadonlySet<string> | undefined {
  for (const g of LEAN_GENERATIONS) if (patched(g.id)) return g.implies;
  return undefined;
}
/** A metrics-only report: a few quick attempts, then the journey goes on without it. */
const STARTED_RETRY: PlanRetry = { maxAttempts: 5, initialIntervalMs: 1_000, backoff: 2, maxIntervalMs: 30_000 };

const ledger = proxyActivities<Pick<Activities, 'reserveContact' | 'ledgerConsent' | 'ledgerBounce'>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** The plan store is Temporal itself: a read that fails is retried until it succeeds (or the plan is published). */
const plans = proxyLocalActivities<Pick<Activities, 'loadPlan'>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/**
 * A journey started by reference (settle enroll) sets its search attributes and loads its plan
 * in its first workflow task; one started with its plan (and search attributes) is ready as is.
 * Which it is depends on the input alone, so either replays the same.
 */
async function resolveInput(start: JourneyStartInput, attributes: SearchAttributeBatch): Promise<JourneyInput> {
  if (!('planRef' in start)) return start;
  const { planRef, ...rest } = start;
  attributes.set(journeyAttributes(planRef.journey, planRef.version, start.options));
  // One copy of the plan per worker, not per workflow (shared-plans.ts): same content hash, same plan.
  return { ...rest, plan: sharedPlan(planRef.contentHash, await plans.loadPlan(planRef)) };
}

const proxies = new Map<string, Activities>();
/**
 * The proxy of an activity under a retry policy. `scale`: journey time runs this many times faster
 * (demos, tests: JourneyOptions.timeScale), so the delays between retries shrink with it, as waits
 * do (at least a second); 1 in production.
 */
function activitiesFor(name: ActivityName, plan: PlanRetry, scale = 1): Activities {
  const retry =
    scale > 1
      ? {
          ...plan,
          initialIntervalMs: Math.max(1_000, Math.round(plan.initialIntervalMs / scale)),
          maxIntervalMs: Math.max(1_000, Math.round(plan.maxIntervalMs / scale)),
        }
      : plan;
  const key = `${name === 'callWebhook' ? 'webhook' : 'default'}:${retry.maxAttempts}:${retry.initialIntervalMs}:${retry.backoff}:${retry.maxIntervalMs}`;
  let p = proxies.get(key);
  if (!p) {
    p = proxyActivities<Activities>({
      startToCloseTimeout: name === 'callWebhook' ? '30 seconds' : '1 minute',
      retry: {
        maximumAttempts: retry.maxAttempts,
        initialInterval: retry.initialIntervalMs,
        backoffCoefficient: retry.backoff,
        maximumInterval: retry.maxIntervalMs,
        nonRetryableErrorTypes: NON_RETRYABLE,
      },
    });
    proxies.set(key, p);
  }
  return p;
}

export async function journeyWorkflow(start: JourneyStartInput): Promise<JourneyResult> {
  // The workflow's start time, before the plan is loaded: signals sent meanwhile are buffered by the SDK until their handler is set.
  const startedAt = Date.now();
  const lean = leanPatches();
  const isPatched = (id: string) => lean?.has(id) === true || patched(id);
  const attributes = new SearchAttributeBatch(upsertSearchAttributes, lean !== undefined);
  const input = await resolveInput(start, attributes);
  const state = input.state ?? initialState(input, startedAt);
  state.clock ??= { real: startedAt, journey: input.options.enrolledAt ?? startedAt };
  const clock = state.clock;
  const scale = input.options.timeScale && input.options.timeScale > 0 ? input.options.timeScale : 1;
  const now = () => clock.journey + (Date.now() - clock.real) * scale;
  // Payments lower what is owed (src/workflows/money.ts); journeys recorded before replay without.
  if (input.state === undefined && !isPatched(MONEY_PATCH)) delete state.money;

  const tellLedgerBounce = async (signal: EngagementSignal) => {
    const fromData = signal.data?.channel;
    const sent = state.sends.find((s) => s.messageId !== undefined && s.messageId === signal.messageId);
    const channel = sent?.channel ?? (fromData === 'email' || fromData === 'sms' ? fromData : undefined);
    const contactKey = channel !== undefined ? contactKeyOf(input, channel, currentRecord(input, state)) : undefined;
    if (channel === undefined || (contactKey === undefined && sent === undefined) || !isPatched(DEBTOR_BOUNCE_PATCH))
      return;
    await ledger.ledgerBounce({
      debtorKey: input.options.debtorKey,
      channel,
      ...(contactKey !== undefined && { contactKey }),
      debtId: input.enrollment.debtId,
      at: now(),
      // The message never reached the person: the ledger forgets its contact (the gap, the caps).
      ...(sent !== undefined && { message: { workflowId: workflowInfo().workflowId, at: sent.at } }),
    });
  };
  const reportDisputeClosed = async (event: EventRecord) => {
    const closed = disputesOf(state).find((d) => d.closedSeq === event.seq);
    if (closed === undefined) return;
    try {
      await activitiesFor('recordDispute', STARTED_RETRY, scale).recordDispute({
        workflowId: workflowInfo().workflowId,
        journey: input.plan.journey,
        version: input.plan.version,
        result: event.type === 'upheld' ? 'upheld' : 'resolved',
        openedAt: closed.openedAt,
      });
    } catch {
      // A metrics-only report: the journey goes on without it.
    }
  };
  const requestCallback = async (event: EventRecord) => {
    const request = callbackOf(event);
    const record = currentRecord(input, state);
    const hook =
      request === undefined
        ? undefined
        : callbackWebhook(
            input.plan,
            {
              key: `${workflowInfo().workflowId}/callback/${event.seq}`,
              workflowId: workflowInfo().workflowId,
              journey: input.plan.journey,
              version: input.plan.version,
              step: state.current,
              debtId: input.enrollment.debtId,
            },
            request,
            {
              reference: record.debt.reference,
              amountDue: record.debt.amountDue,
              currency: record.debt.currency,
              timezone: journeyTimezone(input),
              current: state.current,
              now: now(),
            },
          );
    if (hook === undefined || request === undefined) return;
    try {
      const answer = await activitiesFor('callWebhook', input.plan.callbacks!.retry, scale).callWebhook(hook);
      audit(state, {
        at: now(),
        kind: 'webhook',
        message: `call-back asked for ${request.date} (${request.slot}): sent to the agents (${answer.status})`,
      });
    } catch (e) {
      audit(state, {
        at: now(),
        kind: 'failed',
        message: `call-back asked for ${request.date} (${request.slot}): the agents' queue failed: ${(e as Error).message}`,
      });
    }
  };
  // Reports to the debtor's ledger still on their way: the next reservation waits for them, so a
  // bounce heard a moment before the next send (the waitFor on `bounced` routes at once) is in the
  // ledger before it decides (else the bounced message would still count against the gap).
  let pendingReports: Promise<void> = Promise.resolve();
  setHandler(engagementSignal, async (raw) => {
    const signal = asEngagementSignal(raw);
    if (!signal) return;
    const event = applyEvent(state, signal, now(), input.plan);
    // A call-back request from the payment page goes to the agents' queue at once; the journey stays where it is.
    if (event && event.type === 'callbackRequested') await requestCallback(event);
    // An operator closed a dispute: the worker counts it (settle_disputes_closed_total).
    if (event && (event.type === 'resolved' || event.type === 'upheld')) await reportDisputeClosed(event);
    // A hard bounce (an SMS the carrier reports undelivered) holds for every debt of the debtor.
    if (event && signal.type === 'bounced') {
      const report = tellLedgerBounce(signal);
      pendingReports = pendingReports.then(
        () => report,
        () => report,
      );
      await report;
    }
  });
  // settle migrate: a newer version of this journey, taken at the next safe point (once per request).
  setHandler(migrateSignal, (raw) => {
    const signal = asMigrateSignal(raw);
    if (!signal || state.outcome !== undefined) return;
    if (signal.to.journey !== input.plan.journey || signal.to.version <= input.plan.version) return;
    if (state.migrations?.some((m) => m.requestId === signal.requestId)) return;
    state.migrateTo = signal;
    audit(state, {
      at: now(),
      kind: 'event',
      message: `migration to v${signal.to.version} asked (${signal.requestId})`,
    });
  });
  // One journey per debt: a new import of the debt updates this journey's facts, or moves the debt
  // on to the journey the segments now route it to (`reenroll: move`) at the next safe point.
  setHandler(reenrollSignal, (raw) => {
    const signal = asReenrollSignal(raw, input.enrollment.debtId);
    if (!signal || state.outcome !== undefined) return;
    // The same facts again (the same file imported once more) change nothing: what was paid since
    // the journey took them is not undone by resetting what is owed to the file's amount.
    if (canonicalJson(signal.enrollment) !== canonicalJson(baseRecord(input, state))) {
      const message = applyReenrollment(state, signal.enrollment, currentRecord(input, state));
      audit(state, { at: now(), kind: 'event', message });
    }
    if (input.plan.reenroll === 'move' && signal.planRef.journey !== input.plan.journey) {
      state.moveTo = { to: signal.planRef, ...(signal.segment !== undefined && { segment: signal.segment }) };
    }
  });
  // An opt-out heard by this journey holds in every journey of the debtor: it goes to the ledger.
  // Consent changes reach the ledger in the order the journey heard them: a STOP, a START and a
  // STOP seconds apart must not arrive as STOP, STOP, START (three concurrent activities could).
  let consentQueue: Promise<void> = Promise.resolve();
  const tellLedger = async (signal: OptOutSignal, optedOut: boolean) => {
    if (!isPatched(LEDGER_PATCH)) return;
    const { channel, eventId } = signal;
    const send = () =>
      ledger.ledgerConsent({
        debtorKey: input.options.debtorKey,
        channel,
        optedOut,
        ...(eventId !== undefined && { eventId }),
      });
    if (!isPatched(CONSENT_ORDER_PATCH)) return send();
    const next = consentQueue.then(send, send);
    consentQueue = next.catch(() => undefined);
    return next;
  };
  // A consent change carrying the provider's id (an SMS STOP/START) counts once: a captured
  // request replayed later is ignored here and by the ledger.
  setHandler(optOutSignal, async (raw) => {
    const signal = asOptOutSignal(raw);
    if (!signal || !firstSeen(state, signal.eventId)) return;
    optOut(state, signal.channel, now());
    await tellLedger(signal, true);
  });
  setHandler(optInSignal, async (raw) => {
    const signal = asOptOutSignal(raw);
    if (!signal || !firstSeen(state, signal.eventId)) return;
    optIn(state, signal.channel, now());
    await tellLedger(signal, false);
  });
  const timezone = journeyTimezone(input);
  setHandler(stateQuery, () => ({ ...stateView(input, state, timezone), clock: { ...clock, scale } }));

  let lastStep: string | undefined;
  const port: RuntimePort = {
    workflowId: workflowInfo().workflowId,
    now,
    async waitUntil(ready, ms) {
      attributes.flush();
      if (ms === undefined) {
        await condition(ready);
        return true;
      }
      return condition(ready, Math.max(1, Math.ceil(ms / scale)));
    },
    async run(name, activityInput, retry = DEFAULT_RETRY) {
      attributes.flush();
      const fn = activitiesFor(name, retry, scale)[name] as (i: unknown) => Promise<never>;
      try {
        return { ok: true, value: await fn(activityInput) };
      } catch (e) {
        if (e instanceof ActivityFailure) {
          const cause = e.cause;
          const type = cause instanceof ApplicationFailure ? (cause.type ?? 'Error') : (cause?.name ?? 'Error');
          return { ok: false, type, message: cause?.message ?? e.message };
        }
        throw e;
      }
    },
    async reserveContact(req) {
      if (!isPatched(LEDGER_PATCH)) return consentOnlyDecision(req.request);
      if (patched(RESERVE_AFTER_REPORTS_PATCH)) await pendingReports.catch(() => undefined);
      attributes.flush();
      return ledger.reserveContact(req);
    },
    async reportBounce(report) {
      attributes.flush();
      await ledger.ledgerBounce(report);
    },
    async reportConsent(change) {
      attributes.flush();
      await ledger.ledgerConsent(change);
    },
    patched: isPatched,
    waiting(step) {
      if (step === lastStep) return;
      lastStep = step;
      attributes.set([{ key: SA.step, value: step }]);
    },
    continueAsNewSuggested() {
      const info = workflowInfo();
      const limit = input.options.continueAsNewAfterEvents;
      return info.continueAsNewSuggested || (limit !== undefined && info.historyLength >= limit);
    },
    async continueAsNew(next) {
      attributes.flush();
      await condition(allHandlersFinished);
      return continueAsNew<typeof journeyWorkflow>({ ...input, state: next });
    },
    loadPlan: (ref) => plans.loadPlan(ref),
    async continueWithPlan(plan, next) {
      attributes.set(journeyAttributes(plan.journey, plan.version, input.options));
      attributes.flush();
      await condition(allHandlersFinished);
      return continueAsNew<typeof journeyWorkflow>({
        plan,
        enrollment: input.enrollment,
        options: input.options,
        state: next,
      });
    },
    // A hand-over: the next journey's plan is loaded here and the debt's history goes on in a new run.
    async handOver(next, carried) {
      const plan = await plans.loadPlan(next.to);
      carried.current = plan.start;
      attributes.flush();
      await condition(allHandlersFinished);
      const options = { ...input.options };
      delete options.segment;
      if (next.segment !== undefined) options.segment = next.segment;
      return continueAsNew<typeof journeyWorkflow>({
        plan,
        enrollment: input.enrollment,
        options,
        state: carried,
      });
    },
  };
  if (isPatched(STEP_AT_START_PATCH)) port.waiting(state.current);
  // A debt handed over to this journey: its search attributes name it, and it counts as started.
  if (state.legPending === true) {
    attributes.set(journeyAttributes(input.plan.journey, input.plan.version, input.options));
  }
  // Not after continue-as-new: the run that carries `state` on is the same journey (unless handed over).
  if ((input.state === undefined || state.legPending === true) && isPatched(STARTED_PATCH)) {
    delete state.legPending;
    await port.run(
      'journeyStarted',
      {
        workflowId: port.workflowId,
        journey: input.plan.journey,
        version: input.plan.version,
        amountDue: currentRecord(input, state).debt.amountDue,
        currency: input.enrollment.debt.currency,
        startedAt: state.startedAt,
        ...(input.options.segment !== undefined && { segment: input.options.segment }),
      },
      STARTED_RETRY,
    );
  }
  const result = await runJourney(input, state, port);
  attributes.flush();
  return result;
}
