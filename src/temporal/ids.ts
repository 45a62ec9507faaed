/** Workflow ids and keyed hashes: `settle/<debtId>/<journey>`; hashes never reveal the value. */
import { createHmac } from 'node:crypto';

export function workflowIdFor(debtId: string, journey: string): string {
  return `settle/${debtId}/${journey}`;
}

export function parseWorkflowId(id: string): { debtId: string; journey: string } | undefined {
  const m = /^settle\/(.+)\/([a-z0-9-]+)$/.exec(id);
  return m ? { debtId: m[1]!, journey: m[2]! } : undefined;
}

/** HMAC-SHA256 of a value under SETTLE_SECRET, truncated: stable, unguessable, not reversible. */
export function keyedHash(secret: string, kind: 'debtor' | 'email' | 'phone', value: string): string {
  const normal = kind === 'email' ? value.trim().toLowerCase() : value.trim();
  return createHmac('sha256', secret).update(`${kind}:${normal}`).digest('base64url').slice(0, 32);
}
