/**
 * What the activities need from the world, injected once per worker: channels,
 * the template renderer, the secret and public URL for links, the environment for `env:NAME`
 * webhook URLs (passed in, never read from process.env here) and where outcomes go.
 */
import type { Client } from '@temporalio/client';
import type { Logger } from '@temporalio/common';
import type { EmailChannel } from '../channels/email.js';
import type { PaymentLinks } from '../channels/payments.js';
import type { SmsChannel } from '../channels/sms.js';
import type { WebhookCaller } from '../channels/webhooks.js';
import type { JourneyPlan } from '../ir/index.js';
import type { RoutingTable } from '../routing/table.js';
import type { Renderer } from '../templates/index.js';
import type { PlanRef } from '../workflows/types.js';
import type { OutcomeInput, JourneyStartedInput } from '../workflows/contract.js';

/** Receives each journey's outcome (the metrics module implements it later). */
export interface OutcomeSink {
  record(outcome: OutcomeInput): void | Promise<void>;
  /** A journey run began: enrolled, or a debt handed over to it (optional). */
  started?(start: JourneyStartedInput): void;
}

/** Bounded labels of a contact-rule decision: never a debt or a person. */
export interface ContactRuleLabels {
  journey: string;
  version: number;
  step: string;
  channel: 'email' | 'sms';
  /** Why the send was held back (quiet hours, frequency cap, holiday, opt-out…). */
  reason: string;
}

/**
 * Receives contact-policy decisions made Node-side (src/metrics implements it with
 * settle_sends_deferred_total and settle_sends_blocked_total). Call it once per decision, from
 * an activity, never from workflow code, and not again when the activity is retried.
 */
export interface ContactRuleSink {
  deferred(labels: ContactRuleLabels): void;
  blocked(labels: ContactRuleLabels): void;
}

/** What a send activity needs: no payment links, webhooks or outcome sinks (a test send builds just these). */
export type SendDeps<C extends 'email' | 'sms'> = Pick<
  ActivityDeps,
  C | 'renderer' | 'from' | 'publicUrl' | 'secret' | 'log' | 'clock' | 'test'
>;

/** The start of a test email's subject (ActivityDeps.test). */
export const TEST_SUBJECT_PREFIX = '[TEST] ';

/** The part of Temporal's Logger activities use; log lines carry ids, never personal data. */
export type ActivityLog = Pick<Logger, 'info' | 'warn'>;

/** Where the activities read what is published in Temporal: injected (temporalStores in src/temporal/stores.ts). */
export interface ActivityStores {
  /** Compiled plans by reference, for journeys started with a PlanRef (loadPlan). */
  plans: { load(client: Client, ref: PlanRef): Promise<JourneyPlan> };
  /** The deployed routing table of a task queue, for hand-overs (routeDebt). */
  routing: { read(client: Client, taskQueue: string): Promise<RoutingTable | undefined> };
}

export interface ActivityDeps {
  /** The plan store and the routing table (see ActivityStores). */
  stores: ActivityStores;
  email: EmailChannel;
  sms: SmsChannel;
  payments: PaymentLinks;
  webhooks: WebhookCaller;
  /** createRenderer() from src/templates: one per worker, so its parse cache is shared. */
  renderer: Renderer;
  /** Sender of emails (SMTP_FROM). */
  from: string;
  /** Environment for `env:NAME` webhook URLs. */
  env: Record<string, string | undefined>;
  /** Base of links in messages (SETTLE_PUBLIC_URL). */
  publicUrl: string;
  /** SETTLE_SECRET: signs the opt-out links. */
  secret: string;
  outcomes?: OutcomeSink;
  /** Where deferred and blocked sends are counted (metrics). */
  contactRules?: ContactRuleSink;
  log?: ActivityLog;
  /** Wall clock for token timestamps (tests pin it). */
  clock?: () => number;
  /**
   * Test sends (`settle render --send-to`): every link of the message is marked as a test link
   * (TEST_LINK in src/channels/tokens.ts: the server answers it and records nothing) and an
   * email's subject starts with TEST_SUBJECT_PREFIX. Never set in a worker.
   */
  test?: boolean;
  /**
   * Aborted when this worker starts stopping. Waits that need workflow tasks (the debtor ledger's
   * Update) give up then instead of holding the drain: a stopping worker no longer polls for
   * them, so with no other worker they would never end. The activity is retried (idempotent).
   */
  stopping?: AbortSignal;
}
