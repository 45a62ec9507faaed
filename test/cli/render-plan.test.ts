/** settle render previews a message of a running journey: after a payment, and during a payment plan. */
import { describe, expect, it } from 'vitest';
import { instalmentScheduleMinorUnits } from '../../src/core/money.js';
import { render } from './helpers.js';

describe('settle render --paid / --plan', () => {
  it('--plan 3 shows the next instalment as the page and Stripe charge it, and what is left', async () => {
    const r = await render('plan-instalment-reminder', 'anna-rossi', '--locale', 'en', '--plan', '3');
    expect(r.code).toBe(0);
    const [first, second, third] = instalmentScheduleMinorUnits(420.5, 'EUR', 3);
    expect([first, second, third]).toEqual([14017, 14017, 14016]);
    expect(r.stdout).toContain('Instalment 2 of 3 for invoice INV-2026-0042');
    expect(r.stdout).toContain('is €140.17, due on');
    expect(r.stdout).toContain('Still to pay in all: €280.33.');
  });

  it('--paid lowers the amount due every template reads', async () => {
    const r = await render('overdue-friendly', 'anna-rossi', '--locale', 'en', '--paid', '100.5');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('€320.00');
    expect(r.stdout).not.toContain('€420.50');
  });

  it('refuses a plan that is not a number of instalments', async () => {
    const r = await render('overdue-friendly', 'anna-rossi', '--plan', '1');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--plan must be a number of instalments from 2 to 24');
  });
});
