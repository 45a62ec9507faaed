/** Fixtures for the activity tests: templates, an enrollment, inputs, deps and a log that keeps its lines. */
import { ApplicationFailure } from '@temporalio/common';
import { afterEach, beforeEach, expect } from 'vitest';
import type { ActivityDeps, ActivityLog } from '../../src/activities/deps.js';
import type { SendMessageInput } from '../../src/workflows/contract.js';
import type { EnrollmentData, PlanTemplate } from '../../src/ir/index.js';
import { createSmtpEmailChannel, type SmtpEmailChannel } from '../../src/channels/index.js';
import { startSmtpSink, type SmtpSink } from '../../src/dev/smtp-sink.js';
import { createRenderer } from '../../src/templates/index.js';

export const SECRET = 'test-secret-'.padEnd(40, '0');
export const PUBLIC_URL = 'https://pay.example.test/';
export const NOW = Date.parse('2026-11-05T10:00:00Z');

/** Intl separates with no-break spaces; compare with plain ones. */
export function spaces(text: string | undefined): string {
  return (text ?? '').replace(/[\u00a0\u202f]/g, ' ');
}

export const emailTemplate: PlanTemplate = {
  name: 'friendly-reminder',
  channel: 'email',
  defaultLocale: 'en',
  locales: {
    en: {
      subject: '{{ debtor.firstName }}, invoice {{ debt.reference }}: {{ debt.amountDue | money: debt.currency }}',
      text: 'Hello {{ debtor.firstName }}, {{ debt.amountDue | money: debt.currency }} is {{ debt.daysPastDue }} days late. Pay: {{ links.pay }} Stop: {{ links.optOut }}',
      html: '<p>Hello {{ debtor.firstName }}, <b>{{ debt.amountDue | money: debt.currency }}</b></p><a href="{{ links.optOut }}">stop</a>',
    },
    fr: {
      subject: '{{ debtor.firstName }}, facture {{ debt.reference }} : {{ debt.amountDue | money: debt.currency }}',
      text: 'Bonjour {{ debtor.firstName }}, {{ debt.amountDue | money: debt.currency }} ({{ debt.daysPastDue }} jours de retard). Payer : {{ links.pay }} Stop : {{ links.optOut }}',
      html: '<p>Bonjour {{ debtor.firstName }}, <b>{{ debt.amountDue | money: debt.currency }}</b></p><a href="{{ links.optOut }}">stop</a>',
    },
  },
};

export const smsTemplate: PlanTemplate = {
  name: 'sms-reminder',
  channel: 'sms',
  defaultLocale: 'en',
  locales: {
    en: {
      text: '{{ debt.reference }}: {{ debt.amountDue | money: debt.currency }} due. Pay {{ links.pay }} STOP to opt out',
    },
    fr: { text: '{{ debt.reference }} : {{ debt.amountDue | money: debt.currency }} à régler. {{ links.pay }} STOP' },
  },
};

export const enrollment: EnrollmentData = {
  debtId: 'INV-2026-0042',
  debtor: {
    id: 'C-981',
    firstName: 'Anna',
    lastName: 'Rossi',
    email: 'anna.rossi@example.com',
    phone: '+33612345678',
    locale: 'fr-BE',
    timezone: 'Europe/Paris',
  },
  debt: { reference: 'INV-2026-0042', amountDue: 420.5, currency: 'EUR', dueDate: '2026-11-01' },
};

/** Personal data of the fixture that must never reach a log line. */
export const PERSONAL = ['anna.rossi@example.com', '+33612345678', 'Anna', 'Rossi', 'C-981'];

export function sendInput(overrides: Partial<SendMessageInput> = {}): SendMessageInput {
  const workflowId = 'settle/INV-2026-0042/friendly';
  return {
    key: `${workflowId}/remind/1`,
    workflowId,
    journey: 'friendly',
    version: 3,
    step: 'remind',
    debtId: enrollment.debtId,
    channel: 'email',
    template: emailTemplate,
    enrollment,
    payUrl: 'https://pay.example.test/p/tok',
    nowMs: NOW,
    ...overrides,
  };
}

export interface MemoryLog extends ActivityLog {
  lines: { level: string; message: string; meta?: Record<string, unknown> }[];
}

export function memoryLog(): MemoryLog {
  const lines: MemoryLog['lines'] = [];
  return {
    lines,
    info: (message: string, meta?: Record<string, unknown>) =>
      lines.push({ level: 'info', message, ...(meta && { meta }) }),
    warn: (message: string, meta?: Record<string, unknown>) =>
      lines.push({ level: 'warn', message, ...(meta && { meta }) }),
  };
}

function unused(name: string): never {
  throw new Error(`${name} should not be called in this test`);
}

/** Deps with channels that fail loudly when a test did not expect them to be used. */
export function testDeps(overrides: Partial<ActivityDeps> = {}): ActivityDeps {
  return {
    stores: {
      plans: { load: () => unused('stores.plans.load') },
      routing: { read: () => unused('stores.routing.read') },
    },
    email: { send: () => unused('email.send') },
    sms: { send: () => unused('sms.send') },
    payments: { create: () => unused('payments.create') },
    webhooks: { call: () => unused('webhooks.call') },
    renderer: createRenderer(),
    from: 'Settle <no-reply@settle.local>',
    env: {},
    publicUrl: PUBLIC_URL,
    secret: SECRET,
    log: memoryLog(),
    clock: () => NOW,
    ...overrides,
  };
}

/** The rejection of `promise` (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

/** The ApplicationFailure `promise` rejects with (fails the test on any other outcome). */
export async function failure(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(ApplicationFailure);
  return error as ApplicationFailure;
}

/** A real SMTP sink and the SMTP channel to it, fresh for each test of the enclosing describe block. */
export function useSmtpChannel(): { readonly sink: SmtpSink; readonly channel: SmtpEmailChannel } {
  const t = {} as { sink: SmtpSink; channel: SmtpEmailChannel };
  beforeEach(async () => {
    t.sink = await startSmtpSink();
    t.channel = createSmtpEmailChannel({ url: t.sink.url });
  });
  afterEach(async () => {
    t.channel.close();
    await t.sink.close();
  });
  return t;
}
