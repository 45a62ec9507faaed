import { describe, expect, it } from 'vitest';
import { render, settle } from './helpers.js';

describe('settle plan', () => {
  it('prints the text plan of an example journey with the policy in force for each send', async () => {
    const r = await settle(['plan', 'soft-collection']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Journey soft-collection v\d+/);
    expect(r.stdout).toContain('Policy eu-default');
    expect(r.stdout).toMatch(/first-email {2}\[send\] {2}\(start\)/);
    expect(r.stdout).toContain('policy consent   assumed for email');
    expect(r.stdout).toContain('policy consent   required for sms');
    expect(r.stdout).toMatch(/split loss-aversion|loss-aversion/);
  });

  it('accepts a file path and renders Mermaid with step shapes and labelled routes', async () => {
    const r = await settle(['plan', 'journeys/soft-collection.journey.yaml', '--format', 'mermaid']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('flowchart TD');
    expect(r.stdout).toContain('s_first_email["first-email<br/>email: overdue-friendly<br/>+ payment link"]');
    expect(r.stdout).toMatch(/s_watch_first_email\{\{"watch-first-email/);
    expect(r.stdout).toMatch(/s_subject_test -->\|"loss-aversion 50%"\| s_email_loss_aversion/);
    expect(r.stdout).toMatch(/s_first_email -.->\|"onFailure"\| s_nudge_sms/);
  });

  it('emits the compiled IR as JSON', async () => {
    const r = await settle(['plan', 'late-stage', '--format', 'json']);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout) as {
      irVersion: number;
      journey: string;
      sourceHash: string;
      steps: { kind: string }[];
    };
    expect(plan).toMatchObject({ irVersion: 1, journey: 'late-stage' });
    expect(plan.sourceHash).toMatch(/^[0-9a-f]{64}$/);
    expect(plan.steps.at(-1)?.kind).toBe('exit');
  });

  it('suggests the closest name for an unknown journey', async () => {
    const r = await settle(['plan', 'soft-colection']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('did you mean "soft-collection"?');
  });
});

describe('settle render', () => {
  it('renders an email exactly as sent, in the debtor’s language with local money and dates', async () => {
    const r = await render('overdue-friendly', 'anna-rossi');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('locale fr');
    expect(r.stdout).toMatch(/^Subject: Anna,/m);
    expect(r.stdout).toContain('420,50\u00a0€');
    expect(r.stdout).toContain('1 novembre 2026');
    expect(r.stdout).toContain('https://pay.example.test/u/preview');
    expect(r.stdout).toContain('--- html ---');
  });

  it('honours --locale and formats for it', async () => {
    const r = await render('overdue-friendly', 'anna-rossi', '--locale', 'nl', '--format', 'json');
    expect(r.code).toBe(0);
    const msg = JSON.parse(r.stdout) as { locale: string; subject: string; text: string; channel: string };
    expect(msg).toMatchObject({ locale: 'nl', channel: 'email' });
    expect(msg.text).toContain('€\u00a0420,50');
  });

  it('renders an SMS with its opt-out instruction', async () => {
    const r = await render('overdue-nudge-sms', 'mary-smith', '--format', 'json');
    expect(r.code).toBe(0);
    const msg = JSON.parse(r.stdout) as { text: string; subject?: string };
    expect(msg.subject).toBeUndefined();
    expect(msg.text).toContain('STOP');
    expect(msg.text).toContain('https://pay.example.test/p/preview');
  });

  it('refuses a record that is not a valid enrollment record, naming the field', async () => {
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'settle-rec-')), 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({
        debtId: 'X-1',
        debtor: { id: 'c', firstName: 'A' },
        debt: { reference: 'X-1', amountDue: 'ten', currency: 'EUR', dueDate: '2026-11-01' },
      }),
    );
    const r = await settle(['render', 'overdue-friendly', '--data', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('debt.amountDue must be number');
  });
});
