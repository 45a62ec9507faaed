/**
 * Call-back requests and contact preferences from the payment page (docs/language.md#call-backs-and-contact-preferences).
 * Both are events (`callbackRequested`, `preferencesChanged`), kept with the journey's other events
 * and read from there: a call-back request is posted to the plan's `callbacks.url` as a webhook
 * step posts (journey-workflow.ts, from the signal handler: the journey stays where it is); the
 * latest preferences set the language of every later message (the record's `debtor.locale`) and
 * the channel sends keep to (steps-send.ts). Workflow-safe, pure.
 */
import { CALLBACK_SLOTS, CHANNELS, type CallbackSlot, type Channel, type JourneyPlan } from '../ir/index.js';
import type { MessageContext, WebhookInput } from './contract.js';
import type { EventRecord, JourneyState } from './types.js';

export interface CallbackRequest {
  date: string;
  slot: CallbackSlot;
  /** The slot's bounds (ISO instants), computed by the page in the debtor's zone. */
  from?: string;
  to?: string;
  /** Provider time (epoch ms) of the request. */
  at: number;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The call-back request of an event, when it names a day and a slot. */
export function callbackOf(e: Pick<EventRecord, 'type' | 'data' | 'at'>): CallbackRequest | undefined {
  if (e.type !== 'callbackRequested') return undefined;
  const { date, slot, from, to } = e.data ?? {};
  if (typeof date !== 'string' || !ISO_DATE.test(date) || typeof slot !== 'string' || !(slot in CALLBACK_SLOTS))
    return undefined;
  return {
    date,
    slot: slot as CallbackSlot,
    ...(typeof from === 'string' && { from }),
    ...(typeof to === 'string' && { to }),
    at: e.at,
  };
}

/** The call-back requests of the debt, oldest first. */
export function callbacksOf(state: Pick<JourneyState, 'events'>): CallbackRequest[] {
  const out: CallbackRequest[] = [];
  for (const e of state.events) {
    const c = callbackOf(e);
    if (c !== undefined) out.push(c);
  }
  return out;
}

/** The webhook a call-back request becomes: the agents' queue gets the debt, the slot and the debtor's zone. */
export function callbackWebhook(
  plan: JourneyPlan,
  context: MessageContext,
  request: CallbackRequest,
  facts: { reference: string; amountDue: number; currency: string; timezone: string; current: string; now: number },
): WebhookInput | undefined {
  const cfg = plan.callbacks;
  if (cfg === undefined) return undefined;
  return {
    ...context,
    url: cfg.url,
    payload: {
      type: 'settle.callback.requested',
      journey: plan.journey,
      version: plan.version,
      step: facts.current,
      workflowId: context.workflowId,
      debtId: context.debtId,
      reference: facts.reference,
      amountDue: facts.amountDue,
      currency: facts.currency,
      callback: {
        date: request.date,
        slot: request.slot,
        ...(request.from !== undefined && { from: request.from }),
        ...(request.to !== undefined && { to: request.to }),
        timezone: facts.timezone,
      },
      at: new Date(facts.now).toISOString(),
    },
  };
}

/** Contact preferences: the latest value of each, from the debtor's `preferencesChanged` events. */
export interface ContactPreferences {
  /** The language of their messages (a locale of the journey's templates). */
  locale?: string;
  /** The channel they prefer. */
  channel?: Channel;
}

export function preferencesOf(state: Pick<JourneyState, 'events'>): ContactPreferences | undefined {
  let out: ContactPreferences | undefined;
  for (const e of state.events) {
    if (e.type !== 'preferencesChanged') continue;
    out ??= {};
    const { locale, channel } = e.data ?? {};
    if (typeof locale === 'string' && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(locale)) out.locale = locale;
    if (channel === 'none') delete out.channel;
    else if (typeof channel === 'string' && (CHANNELS as readonly string[]).includes(channel))
      out.channel = channel as Channel;
  }
  return out;
}
