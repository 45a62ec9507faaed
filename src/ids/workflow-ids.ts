/**
 * Workflow ids and keyed hashes. A debt has one journey workflow, `settle/<debtId>`, whatever
 * journey it is in (a hand-over continues the same workflow as new into the next journey). Journeys
 * enrolled before that have `settle/<debtId>/<journey>` and keep it until they end; a debt id never
 * contains `/` (enrollment schema), so the two shapes cannot be confused. Hashes never reveal the value.
 */
import { createHmac } from 'node:crypto';

export function workflowIdFor(debtId: string): string {
  return `settle/${debtId}`;
}

/** The id a journey of this debt had before one workflow per debt (journeys still running keep it). */
export function legacyWorkflowIdFor(debtId: string, journey: string): string {
  return `settle/${debtId}/${journey}`;
}

/**
 * The debt of a journey's workflow id, and its journey when the id names it (the older
 * `settle/<debtId>/<journey>`); for `settle/<debtId>` the journey comes from the SettleJourney search
 * attribute or the journey's start input / state query.
 */
export function parseWorkflowId(id: string): { debtId: string; journey?: string } | undefined {
  const m = /^settle\/([^/\s]+)(?:\/([a-z0-9-]+))?$/.exec(id);
  if (!m) return undefined;
  return m[2] !== undefined ? { debtId: m[1]!, journey: m[2] } : { debtId: m[1]! };
}

/** HMAC-SHA256 of a value under SETTLE_SECRET, truncated: stable, unguessable, not reversible. */
export function keyedHash(secret: string, kind: 'debtor' | 'email' | 'phone', value: string): string {
  const normal = kind === 'email' ? value.trim().toLowerCase() : value.trim();
  return createHmac('sha256', secret).update(`${kind}:${normal}`).digest('base64url').slice(0, 32);
}
