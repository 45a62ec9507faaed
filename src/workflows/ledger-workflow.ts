/**
 * debtorLedgerWorkflow: the contact ledger of one debtor as a Temporal entity workflow
 * (id `settle-debtor/<debtorKey>`). Journeys reach it through the `reserveContact` and
 * `ledgerConsent` / `ledgerBounce` activities; Temporal runs its update handler one at a time (the handler is
 * synchronous), so two journeys can never both pass a cap. Durable without a database: its state
 * is its history, carried over by continue-as-new. It closes itself only when it has nothing to
 * remember (no recent contact, no opt-out, no bounced address) after a quiet month; the next request starts it again.
 */
import { allHandlersFinished, condition, continueAsNew, setHandler, workflowInfo } from '@temporalio/workflow';
import { ContactLedger } from '../core/policy/index.js';
import { CHANNELS } from '../ir/index.js';
import './sandbox-date.js';
import {
  ledgerBounceSignal,
  ledgerOptInSignal,
  ledgerOptOutSignal,
  ledgerQuery,
  reserveUpdate,
} from './definitions.js';
import type { LedgerInput, LedgerView } from './types.js';
import { asLedgerBounceSignal, asOptOutSignal } from './validate-signal.js';

const QUIET_MS = 30 * 86_400_000;
/** Continue as new after this many requests even when the server does not suggest it (keeps replays short). */
const MAX_REQUESTS = 2_000;

export async function debtorLedgerWorkflow(input: LedgerInput): Promise<void> {
  const ledger = ContactLedger.from(input.snapshot);
  let requests = 0;
  let touched = false;

  setHandler(
    reserveUpdate,
    (request) => {
      requests += 1;
      touched = true;
      return ledger.reserve(request);
    },
    {
      validator: (request) => {
        if (
          !request ||
          typeof request.requestId !== 'string' ||
          !(CHANNELS as readonly string[]).includes(request.channel)
        ) {
          throw new Error('malformed reserve request');
        }
      },
    },
  );
  const consent = (optedOut: boolean) => (raw: unknown) => {
    const signal = asOptOutSignal(raw);
    if (!signal) return;
    touched = true;
    if (optedOut) ledger.optOut(signal.channel, signal.eventId, Date.now());
    else ledger.optIn(signal.channel, signal.eventId, Date.now());
  };
  setHandler(ledgerOptOutSignal, consent(true));
  setHandler(ledgerOptInSignal, consent(false));
  setHandler(ledgerBounceSignal, (raw) => {
    const report = asLedgerBounceSignal(raw);
    if (!report) return;
    touched = true;
    ledger.bounce(report);
  });
  setHandler(ledgerQuery, (): LedgerView => {
    const bounced = ledger.bounces();
    return {
      contacts: ledger.history(),
      optedOut: CHANNELS.filter((c) => ledger.isOptedOut(c)),
      ...(bounced.length > 0 && { bounced }),
    };
  });

  for (;;) {
    touched = false;
    const woke = await condition(
      () => touched || workflowInfo().continueAsNewSuggested || requests >= MAX_REQUESTS,
      QUIET_MS,
    );
    if (workflowInfo().continueAsNewSuggested || requests >= MAX_REQUESTS) break;
    if (!woke && ledger.prune(Date.now())) {
      await condition(allHandlersFinished);
      // Nothing came in while the handlers finished: nothing to remember, the ledger can close.
      if (!touched) return;
    }
  }
  await condition(allHandlersFinished);
  ledger.prune(Date.now());
  await continueAsNew<typeof debtorLedgerWorkflow>({ debtorKey: input.debtorKey, snapshot: ledger.snapshot() });
}
