/**
 * `settle simulate` behaviour models can draw promises to pay: a visitor who does not pay may
 * promise (`promised`: its delay, how far ahead the date is, the share kept). Journeys that take
 * promises (late-stage) pause for them — the reminder on the day before, then the payment (kept)
 * or the broken route (the final notice); journeys that do not (soft-collection) never hear one.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SimulationReport } from '../../src/simulate/simulate.js';
import { settle } from '../cli/helpers.js';
import { EXAMPLE_RUN } from './support.js';

function behaviour(kept: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'settle-promises-'));
  const file = join(dir, 'behaviour.yaml');
  writeFileSync(
    file,
    `apiVersion: settle/v1
kind: Behaviour
metadata: { name: promisers }
spec:
  default:
    email:
      delivered: { p: 1, after: 20s }
      opened: { p: 1, after: 1h }
      clicked: { p: 1, after: 5m }
      visited: { p: 1, after: 3s }
      paid: { p: 0 }
      promised: { p: 1, after: 2m, within: 5d, kept: ${kept} }
    sms:
      delivered: { p: 1, after: 5s }
`,
  );
  return file;
}

async function simulate(kept: number): Promise<SimulationReport> {
  const r = await settle([...EXAMPLE_RUN, '--behaviour', behaviour(kept), '--workers', '1', '--format', 'json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as SimulationReport;
}

type DebtEvent = SimulationReport['debts'][number]['events'][number];

describe('settle simulate: promises to pay', () => {
  it('kept: the journey pauses, reminds the day before and ends paid', async () => {
    const r = await simulate(1);
    // Debts cut off by --days before their promise was judged are left out.
    const promised = r.debts.filter(
      (d) => d.outcome !== 'running' && d.events.some((e: DebtEvent) => e.step === '_promise'),
    );
    expect(promised.length).toBeGreaterThan(5);
    for (const d of promised) {
      expect(d.journey).toBe('late-stage');
      const events = d.events as DebtEvent[];
      const made = events.find((e) => e.type === 'event' && e.reason === 'promised')!;
      // The reminder, sent on the day before (or held by the send window when that day is closed).
      const reminder = events.find((e) => e.step === '_promise' && (e.type === 'send' || e.type === 'deferred'));
      const paid = events.find((e) => e.type === 'event' && e.reason === 'paid');
      expect(reminder, d.debtId).toBeDefined();
      expect(paid, d.debtId).toBeDefined();
      // Nothing but the reminder between the promise and the payment.
      const between = events.filter((e) => e.type === 'send' && e.at > made.at && e.at < paid!.at);
      expect(between.every((e) => e.step === '_promise')).toBe(true);
      expect(d.outcome).toBe('paid');
    }
    // soft-collection takes no promises: its debtors promised nothing there.
    expect(
      r.debts.some((d) => (d.events as DebtEvent[]).some((e) => e.reason === 'promised' && e.step === 'first-email')),
    ).toBe(false);
  }, 120_000);

  it('broken: after the promised day the journey goes on with the final notice', async () => {
    const r = await simulate(0);
    // Debts cut off by --days before their promise was judged are left out.
    const promised = r.debts.filter(
      (d) => d.outcome !== 'running' && d.events.some((e: DebtEvent) => e.step === '_promise'),
    );
    expect(promised.length).toBeGreaterThan(5);
    for (const d of promised) {
      const events = d.events as DebtEvent[];
      const reminder = events.find((e) => e.step === '_promise' && e.type === 'send')!;
      const next = events.find((e) => e.type === 'send' && e.at > reminder.at && e.step !== '_promise');
      expect(next?.step, d.debtId).toBe('final-notice');
      expect(events.some((e) => e.reason === 'paid')).toBe(false);
    }
  }, 120_000);
});
