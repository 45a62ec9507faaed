/**
 * settle status --debtor ID: every debt of one person. The debtor id is never stored: journeys
 * carry its keyed hash (SETTLE_SECRET) as the SettleDebtor search attribute, so the command hashes
 * the id the same way, lists the journeys by it (a visibility query: a journey started a moment
 * ago may show a second later) and shows each debt with its journey, step and outcome, then the
 * debtor's contact ledger once: contacts of every debt, opt-outs and hard-bounced addresses.
 */
import type { Client } from '@temporalio/client';
import { keyedHash, parseWorkflowId } from '../../ids/workflow-ids.js';
import { SA } from '../../temporal/search-attributes.js';
import { ledgerQuery, ledgerWorkflowId } from '../../workflows/definitions.js';
import { WORKFLOW_TYPE, type LedgerView } from '../../workflows/types.js';
import { CliError, EXIT, type Io } from '../io.js';
import { configFrom, connect, findJourneys } from '../temporal.js';
import { journeyStatus, type JourneyStatus, type StatusEnv } from './status-journey.js';
import { facts, headline, table, utc } from './status-format.js';

export interface DebtorStatus {
  debtor: string;
  debts: { debtId: string; journeys: JourneyStatus[] }[];
  /** The debtor's contact ledger (absent before their first contact, or without a worker). */
  ledger?: LedgerView;
}

/** The debts of the journeys whose SettleDebtor is `debtorKey`, each with its legacy journey names. */
async function debtsOf(client: Client, debtorKey: string): Promise<Map<string, Set<string>>> {
  const debts = new Map<string, Set<string>>();
  const query = `SettleDebtor = '${debtorKey}' AND WorkflowType = '${WORKFLOW_TYPE}'`;
  try {
    for await (const w of client.workflow.list({ query })) {
      const id = parseWorkflowId(w.workflowId);
      if (!id) continue;
      const legacy = debts.get(id.debtId) ?? new Set<string>();
      if (id.journey !== undefined) legacy.add(id.journey);
      debts.set(id.debtId, legacy);
    }
  } catch (e) {
    throw new CliError(`cannot list the debtor's journeys: ${(e as Error).message}`, EXIT.unavailable);
  }
  return debts;
}

export async function debtorStatus(debtorId: string, format: 'text' | 'json', io: Io, env: StatusEnv): Promise<number> {
  if (debtorId.trim() === '') throw new CliError('--debtor needs the debtor id (debtor.id of the records)', EXIT.usage);
  const config = configFrom(env.vars, { secret: true });
  const debtorKey = keyedHash(config.secret!, 'debtor', debtorId);
  const timeoutMs = env.queryTimeoutMs ?? 5_000;
  const { client, connection } = await connect(config);
  try {
    const debts = await debtsOf(client, debtorKey);
    if (debts.size === 0) {
      throw new CliError(
        `unknown debtor: no journey carries debtor ${debtorId} (SettleDebtor is its keyed hash under this SETTLE_SECRET)`,
        EXIT.invalid,
      );
    }
    const out: DebtorStatus = { debtor: debtorId, debts: [] };
    for (const debtId of [...debts.keys()].sort()) {
      const found = await findJourneys(client, debtId, debts.get(debtId)!);
      const journeys: JourneyStatus[] = [];
      for (const j of found) {
        if (j.description.typedSearchAttributes.get(SA.debtor) !== debtorKey) continue;
        const s = await journeyStatus(client, j, debtId, timeoutMs);
        delete s.ledger; // shown once, for the debtor
        journeys.push(s);
      }
      if (journeys.length > 0) out.debts.push({ debtId, journeys });
    }
    try {
      const ledger = client.workflow.getHandle(ledgerWorkflowId(debtorKey));
      out.ledger = await client.withDeadline(Date.now() + timeoutMs, () => ledger.query(ledgerQuery));
    } catch {
      // No ledger (nothing sent yet, or closed after a quiet month) or no worker: the journeys tell the story.
    }
    io.out(format === 'json' ? JSON.stringify(out, null, 2) + '\n' : formatDebtorText(out));
    return EXIT.ok;
  } finally {
    await connection.close();
  }
}

export function formatDebtorText(s: DebtorStatus): string {
  const blocks: string[] = [`debtor ${s.debtor}: ${s.debts.length} debt${s.debts.length === 1 ? '' : 's'}`];
  const journeyOf = new Map<string, string>();
  for (const d of s.debts) {
    const lines = [`debt ${d.debtId}`];
    for (const j of d.journeys) {
      journeyOf.set(j.workflowId, j.view?.journey ?? j.journey);
      lines.push(`  ${headline(j)}`, ...facts(j).map((l) => `  ${l}`));
      if (j.view) {
        const sent = j.view.sends.filter((x) => x.status === 'sent').length;
        const other = j.view.sends.length - sent;
        lines.push(`    sends         ${sent} sent${other > 0 ? `, ${other} blocked or failed` : ''}`);
      } else if (j.noView) lines.push(`    (${j.noView})`);
    }
    blocks.push(lines.join('\n'));
  }
  const l = s.ledger;
  if (l) {
    const lines = ['contact ledger of the debtor (every debt, every journey)'];
    const bounced = (l.bounced ?? []).map((b) => `${b.channel} (debt ${b.debtId}, ${utc(b.at)})`);
    lines.push(
      ...table(
        [
          ['opted out', l.optedOut.length > 0 ? l.optedOut.join(', ') : 'none'],
          ['bounced', bounced.length > 0 ? bounced.join('; ') : 'none'],
        ],
        '  ',
      ),
    );
    lines.push('  contacts' + (l.contacts.length === 0 ? '  none' : ''));
    lines.push(
      ...table(
        l.contacts.map((c) => [utc(c.at), c.channel, c.debtId, journeyOf.get(c.workflowId) ?? c.workflowId]),
        '    ',
      ),
    );
    blocks.push(lines.join('\n'));
  } else blocks.push('contact ledger of the debtor: none (nothing sent yet, or no worker answered)');
  return blocks.join('\n\n') + '\n';
}
