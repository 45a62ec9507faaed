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
import type { Activities } from '../activities/types.js';
import { FAILURE } from '../ir/index.js';
import type { PlanRetry } from '../ir/index.js';
import { consentOnlyDecision } from '../core/policy/index.js';
import './sandbox-date.js';
import { engagementSignal, optInSignal, optOutSignal, stateQuery } from './definitions.js';
import { runJourney } from './interpreter.js';
import type { ActivityName, RuntimePort } from './port.js';
import { journeyAttributes, SA, SearchAttributeBatch } from './search-attributes.js';
import { SEND_SEQ_PATCH } from './steps-send.js';
import { applyEvent, firstSeen, initialState, optIn, optOut, stateView } from './state.js';
import type { JourneyInput, JourneyResult, JourneyStartInput, OptOutSignal } from './types.js';
import { asEngagementSignal, asOptOutSignal } from './validate-signal.js';
import { journeyTimezone } from './context.js';

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
 * for every patch below, instead of one of each per patch, and sends the search-attribute changes
 * of a workflow task as one upsert (SearchAttributeBatch): 4 events of overhead per journey instead
 * of 11. Journeys recorded before it replay without it (each patch asked for, each upsert at once).
 */
export const LEAN_HISTORY_PATCH = 'settle-lean-history';
/**
 * The patches a lean run has without asking. Never add to it: a patch made after LEAN_HISTORY_PATCH
 * goes through patched(), since lean journeys recorded before that patch must replay without it.
 */
const IMPLIED_BY_LEAN: ReadonlySet<string> = new Set([
  LEDGER_PATCH,
  STARTED_PATCH,
  STEP_AT_START_PATCH,
  CONSENT_ORDER_PATCH,
  SEND_SEQ_PATCH,
]);
/** A metrics-only report: a few quick attempts, then the journey goes on without it. */
const STARTED_RETRY: PlanRetry = { maxAttempts: 5, initialIntervalMs: 1_000, backoff: 2, maxIntervalMs: 30_000 };

const ledger = proxyActivities<Pick<Activities, 'reserveContact' | 'ledgerConsent'>>({
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
  return { ...rest, plan: await plans.loadPlan(planRef) };
}

const proxies = new Map<string, Activities>();
function activitiesFor(name: ActivityName, retry: PlanRetry): Activities {
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
  const lean = patched(LEAN_HISTORY_PATCH);
  const isPatched = (id: string) => (lean && IMPLIED_BY_LEAN.has(id)) || patched(id);
  const attributes = new SearchAttributeBatch(upsertSearchAttributes, lean);
  const input = await resolveInput(start, attributes);
  const state = input.state ?? initialState(input, startedAt);
  state.clock ??= { real: startedAt, journey: input.options.enrolledAt ?? startedAt };
  const clock = state.clock;
  const scale = input.options.timeScale && input.options.timeScale > 0 ? input.options.timeScale : 1;
  const now = () => clock.journey + (Date.now() - clock.real) * scale;

  setHandler(engagementSignal, (raw) => {
    const signal = asEngagementSignal(raw);
    if (signal) applyEvent(state, signal, now());
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
  setHandler(stateQuery, () => stateView(input, state, timezone));

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
      const fn = activitiesFor(name, retry)[name] as (i: unknown) => Promise<never>;
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
      attributes.flush();
      return ledger.reserveContact(req);
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
  };
  if (isPatched(STEP_AT_START_PATCH)) port.waiting(state.current);
  // Not after continue-as-new: the run that carries `state` on is the same journey.
  if (input.state === undefined && isPatched(STARTED_PATCH)) {
    await port.run(
      'journeyStarted',
      {
        workflowId: port.workflowId,
        journey: input.plan.journey,
        version: input.plan.version,
        amountDue: input.enrollment.debt.amountDue,
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
