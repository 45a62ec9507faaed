/**
 * The journey side of the debtor contact ledger (src/workflows/ledger-workflow.ts): two
 * activities (regular ones: see docs/ARCHITECTURE.md on workflow-task slots) that reach the debtor's entity workflow through the worker's own Temporal client.
 * - reserveContact: Update `reserve` on `settle-debtor/<debtorKey>`, starting the ledger first
 *   when it does not run yet. The decision is counted in settle_sends_deferred_total /
 *   settle_sends_blocked_total only when the ledger made it just now (`fresh`): a retried activity
 *   gets the recorded answer and counts nothing.
 * - ledgerConsent: Signal-with-start `optOut` / `optIn` on the ledger.
 * - ledgerBounce: Signal-with-start `bounced` on the ledger (an address that hard-bounced, by keyed hash).
 * reserveContact gives up when the activity is cancelled (the worker's grace period ran out) or
 * the worker starts stopping (`deps.stopping`): the ledger's Update needs a workflow task, which a
 * stopping worker no longer polls for, so in a process with the only worker (`settle dev`) it
 * would wait forever and hold the shutdown. The retried activity gets the decision the ledger recorded.
 * Only keyed hashes and debt ids travel; no personal data is logged.
 */
import { Context } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { SignalDefinition } from '@temporalio/common';
import {
  LEDGER_WORKFLOW_TYPE,
  ledgerBounceSignal,
  ledgerOptInSignal,
  ledgerOptOutSignal,
  ledgerWorkflowId,
  reserveUpdate,
} from '../workflows/definitions.js';
import type { LedgerInput } from '../workflows/types.js';
import type { ActivityDeps } from './deps.js';
import { workerStopping } from './failures.js';
import type {
  ContactDecision,
  LedgerBounceInput,
  LedgerConsentInput,
  ReserveContactInput,
} from '../workflows/contract.js';

/** Ledgers this process has seen running (a hint only: a closed ledger is started again on demand). */
const KNOWN_RUNNING_MAX = 10_000;

/** `p`, or a rejection as soon as `signal` aborts (`p` then runs on, unobserved). */
function abandonOn<T>(signal: AbortSignal, p: Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

export function createLedgerActivities(deps: Pick<ActivityDeps, 'contactRules' | 'log' | 'stopping'> = {}) {
  const running = new Set<string>();

  /** Runs the Temporal calls of `fn` until they end, the activity is cancelled or the worker stops. */
  async function untilStopping<T>(ctx: Context, fn: () => Promise<T>): Promise<T> {
    const signal = deps.stopping ? AbortSignal.any([ctx.cancellationSignal, deps.stopping]) : ctx.cancellationSignal;
    const stopped = () => workerStopping('the debtor ledger');
    if (deps.stopping?.aborted) throw stopped();
    try {
      // The worker's client (a NativeConnection) does not cancel its calls on an abort signal yet:
      // the activity stops waiting anyway, leaving the call to end with the connection.
      return await abandonOn(signal, ctx.client.withAbortSignal(signal, fn));
    } catch (e) {
      if (deps.stopping?.aborted && !ctx.cancellationSignal.aborted) throw stopped();
      throw e;
    }
  }

  async function ensureStarted(client: Client, debtorKey: string, taskQueue: string): Promise<string> {
    const workflowId = ledgerWorkflowId(debtorKey);
    if (running.has(workflowId)) return workflowId;
    try {
      await client.workflow.start(LEDGER_WORKFLOW_TYPE, {
        workflowId,
        taskQueue,
        args: [{ debtorKey } satisfies LedgerInput],
      });
    } catch (e) {
      if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw e;
    }
    if (running.size >= KNOWN_RUNNING_MAX) running.clear();
    running.add(workflowId);
    return workflowId;
  }

  async function reserveContact(input: ReserveContactInput): Promise<ContactDecision> {
    const ctx = Context.current();
    const { client } = ctx;
    const workflowId = await untilStopping(ctx, () => ensureStarted(client, input.debtorKey, ctx.info.taskQueue));
    let result;
    try {
      result = await untilStopping(ctx, () =>
        client.workflow.getHandle(workflowId).executeUpdate(reserveUpdate, { args: [input.request] }),
      );
    } catch (e) {
      // The ledger may have closed (a quiet month) or continued as new between two calls: start it again next time.
      running.delete(workflowId);
      throw e;
    }
    const { decision } = result;
    if (result.fresh && decision.action !== 'send') {
      const labels = {
        journey: input.journey,
        version: input.version,
        step: input.step,
        channel: input.request.channel,
        reason: decision.reason,
      };
      if (decision.action === 'defer') deps.contactRules?.deferred(labels);
      else deps.contactRules?.blocked(labels);
      deps.log?.info(`send ${decision.action === 'defer' ? 'deferred' : 'blocked'}`, {
        ...labels,
        workflowId: input.request.workflowId,
      });
    }
    return decision;
  }

  /** Signals the debtor's ledger, starting it when it is not running. */
  async function signalLedger<A>(debtorKey: string, signal: SignalDefinition<[A]>, arg: A): Promise<void> {
    const ctx = Context.current();
    await ctx.client.workflow.signalWithStart(LEDGER_WORKFLOW_TYPE, {
      workflowId: ledgerWorkflowId(debtorKey),
      taskQueue: ctx.info.taskQueue,
      args: [{ debtorKey } satisfies LedgerInput],
      signal,
      signalArgs: [arg],
    });
  }

  async function ledgerConsent(input: LedgerConsentInput): Promise<void> {
    await signalLedger(input.debtorKey, input.optedOut ? ledgerOptOutSignal : ledgerOptInSignal, {
      channel: input.channel,
      ...(input.eventId !== undefined && { eventId: input.eventId }),
    });
  }

  async function ledgerBounce(input: LedgerBounceInput): Promise<void> {
    await signalLedger(input.debtorKey, ledgerBounceSignal, {
      channel: input.channel,
      ...(input.contactKey !== undefined && { contactKey: input.contactKey }),
      debtId: input.debtId,
      at: input.at,
      ...(input.message !== undefined && { message: input.message }),
    });
  }

  return { reserveContact, ledgerConsent, ledgerBounce };
}
