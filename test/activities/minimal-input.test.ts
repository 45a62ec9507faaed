/**
 * A send's minimal input (the chosen locale's sources, the one address, the values its template
 * reads: what the send step schedules) renders byte for byte what the whole template and record
 * rendered, for every template of journeys/ in each of its locales and every example record
 * (examples/records and examples/portfolio.csv); and the activities still take the old input,
 * which tasks scheduled by an older worker carry.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../src/activities/index.js';
import { optOutUrl, renderFor, sendInputOf } from '../../src/activities/message.js';
import type { FullSendInput, SendInput } from '../../src/workflows/contract.js';
import { LocalSmsSink } from '../../src/channels/sms.js';
import { verifyLinkToken } from '../../src/channels/tokens.js';
import { compilePaths } from '../../src/compiler/index.js';
import { declaredAttributes } from '../../src/project/project.js';
import { messageParts, recordPaths } from '../../src/core/template-values.js';
import { readPortfolio } from '../../src/enrollment/read.js';
import type { EnrollmentData, PlanTemplate } from '../../src/ir/index.js';
import { keyedHash } from '../../src/ids/workflow-ids.js';
import { checkLiquid, createRenderer } from '../../src/templates/index.js';
import { ROOT } from '../support/journeys.js';
import { emailTemplate, enrollment, NOW, SECRET, smsTemplate, testDeps, useSmtpChannel } from './helpers.js';

const compiled = compilePaths([join(ROOT, 'journeys')]);
const templates = new Map<string, PlanTemplate>();
for (const plan of compiled.plans.values()) for (const t of Object.values(plan.templates)) templates.set(t.name, t);

const records: { name: string; record: EnrollmentData }[] = readdirSync(join(ROOT, 'examples', 'records'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({
    name: f,
    record: JSON.parse(readFileSync(join(ROOT, 'examples', 'records', f), 'utf8')) as EnrollmentData,
  }));

beforeAll(async () => {
  for await (const row of readPortfolio(
    join(ROOT, 'examples', 'portfolio.csv'),
    declaredAttributes(compiled.project),
  )) {
    if (row.error !== undefined) throw new Error(`portfolio.csv line ${row.line}: ${row.error}`);
    records.push({ name: `portfolio.csv:${row.line}`, record: row.record as EnrollmentData });
  }
});

const LINKS = { optOut: 'https://pay.example.test/u/opt-out-token', pay: 'https://pay.example.test/p/pay-token' };

function legacyInput(template: PlanTemplate, record: EnrollmentData): FullSendInput {
  const workflowId = `settle/${record.debtId}/journey`;
  return {
    key: `${workflowId}/${template.name}/1`,
    workflowId,
    journey: 'journey',
    version: 1,
    step: template.name,
    debtId: record.debtId,
    channel: template.channel,
    template,
    enrollment: record,
    payUrl: LINKS.pay,
    nowMs: NOW,
  };
}

/** What the send step schedules now (src/workflows/steps-send.ts). */
function minimalInput(template: PlanTemplate, record: EnrollmentData): SendInput {
  const { template: _t, enrollment: _e, ...context } = legacyInput(template, record);
  return { ...context, ...messageParts(template, record, template.channel) };
}

/** The record with the debtor asking for `locale` (undefined: no locale at all). */
function inLocale(record: EnrollmentData, locale: string | undefined): EnrollmentData {
  const { locale: _drop, ...debtor } = record.debtor;
  return { ...record, debtor: locale === undefined ? debtor : { ...debtor, locale } };
}

/** Dotted paths of the leaves of `value` (arrays and non-plain values are leaves). */
function leafPaths(value: unknown, prefix: string, out: string[] = []): string[] {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) leafPaths(v, prefix ? `${prefix}.${k}` : k, out);
  } else out.push(prefix);
  return out;
}

/** Every debtor locale a test asks for: each of the template's, a regional and an odd spelling, none. */
function requestedLocales(template: PlanTemplate, record: EnrollmentData): (string | undefined)[] {
  const keys = Object.keys(template.locales);
  return [...keys, ...keys.map((k) => `${k.toUpperCase()}_BE`), 'de-AT', record.debtor.locale, undefined];
}

describe('minimal send input', () => {
  it('covers every example template and record', () => {
    expect(templates.size).toBeGreaterThanOrEqual(10);
    expect(records.length).toBeGreaterThanOrEqual(30);
    for (const t of templates.values())
      expect(Object.keys(t.reads ?? {}).sort()).toEqual(Object.keys(t.locales).sort());
  });

  it.each([...templates.keys()])('%s renders what the whole template and record rendered', (name) => {
    const template = templates.get(name)!;
    const deps = testDeps();
    const reference = createRenderer();
    let checked = 0;
    for (const { name: recordName, record } of records) {
      for (const locale of requestedLocales(template, record)) {
        const full = inLocale(record, locale);
        const what = `${name} × ${recordName} × ${locale ?? '(no locale)'}`;
        const minimal = minimalInput(template, full);
        // The render as the activity did it before (the whole template and record).
        const zone = full.debtor.timezone;
        const before = reference.render(template, undefined, full, LINKS, {
          nowMs: NOW,
          ...(zone !== undefined && { timezone: zone }),
        });
        expect(renderFor(deps, minimal, LINKS), what).toEqual(before);
        expect(renderFor(deps, sendInputOf(legacyInput(template, full)), LINKS), what).toEqual(before);

        // The opt-out link names the same address and page language.
        const url = optOutUrl(deps, minimal);
        expect(url, what).toBe(optOutUrl(deps, sendInputOf(legacyInput(template, full))));
        const claims = verifyLinkToken(SECRET, url.slice(url.lastIndexOf('/') + 1), 'u', NOW);
        const address = template.channel === 'email' ? full.debtor.email : full.debtor.phone;
        expect(claims?.h, what).toBe(
          address ? keyedHash(SECRET, template.channel === 'email' ? 'email' : 'phone', address) : undefined,
        );
        expect(claims?.l, what).toBe(full.debtor.locale?.trim() || undefined);

        // Only what the chosen locale reads, and only that locale.
        expect(minimal.message.locale, what).toBe(before.locale);
        expect(minimal.message.sources, what).toEqual(template.locales[before.locale]);
        const allowed = new Set(recordPaths(template.reads![before.locale]!));
        for (const path of leafPaths(minimal.values, ''))
          expect(
            [...allowed].some((a) => path === a || path.startsWith(`${a}.`)),
            `${what}: ${path}`,
          ).toBe(true);
        expect(minimal.recipient, what).toEqual({
          ...(address !== undefined && { address }),
          ...(full.debtor.locale !== undefined && { locale: full.debtor.locale }),
          ...(zone !== undefined && { timezone: zone }),
        });
        const json = JSON.stringify(minimal);
        for (const id of [
          full.debtor.id,
          ...(template.channel === 'email' ? [full.debtor.phone] : [full.debtor.email]),
        ])
          if (id) expect(json, what).not.toContain(id);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(records.length);
  });

  it('renders debt.daysPastDue from the due date alone (a derived field)', () => {
    const deps = testDeps();
    for (const base of [emailTemplate, smsTemplate]) {
      // Listed as the compiler lists them (src/compiler/checks/templates.ts).
      const reads = Object.fromEntries(
        Object.entries(base.locales).map(([locale, parts]) => [
          locale,
          [
            ...new Set(
              Object.values(parts).flatMap(
                (source) => checkLiquid(source, { attributes: {}, links: ['pay', 'optOut'] }).variables,
              ),
            ),
          ]
            .filter((v) => !v.startsWith('links.'))
            .sort(),
        ]),
      );
      const template = { ...base, reads };
      for (const locale of ['en', 'fr-BE', undefined]) {
        const record = inLocale(enrollment, locale);
        const minimal = minimalInput(template, record);
        if (base === emailTemplate) expect(minimal.values.debt).toHaveProperty('dueDate');
        expect(minimal.values.debtor).not.toHaveProperty('lastName');
        const before = createRenderer().render(template, undefined, record, LINKS, {
          nowMs: NOW,
          timezone: 'Europe/Paris',
        });
        expect(renderFor(deps, minimal, LINKS)).toEqual(before);
      }
    }
  });

  it('is several times smaller than the whole template and record', () => {
    const template = templates.get('overdue-friendly')!;
    const record = records[0]!.record;
    const minimal = JSON.stringify(minimalInput(template, record)).length;
    const full = JSON.stringify(legacyInput(template, record)).length;
    expect(minimal * 2).toBeLessThan(full);
  });

  it('passes the whole record for a template compiled before reads were listed', () => {
    const { reads: _r, ...old } = templates.get('overdue-friendly')!;
    const { record } = records[0]!;
    const parts = messageParts(old, record, 'email');
    expect(parts.values).toEqual({ debtor: record.debtor, debt: record.debt, attributes: record.attributes });
    expect(Object.keys(parts.message.sources ?? {})).not.toHaveLength(0);
  });

  it('reports a missing default locale as the whole input did', () => {
    const template: PlanTemplate = { ...templates.get('overdue-nudge-sms')!, defaultLocale: 'de' };
    const record = inLocale(records[0]!.record, 'pt');
    const deps = testDeps();
    const errorOf = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as Error).message;
      }
      return 'rendered';
    };
    const minimal = errorOf(() => renderFor(deps, minimalInput(template, record), LINKS));
    expect(minimal).toContain('no "de" locale');
    expect(minimal).toBe(errorOf(() => renderFor(deps, sendInputOf(legacyInput(template, record)), LINKS)));
  });
});

describe('the activities take both inputs', () => {
  const smtp = useSmtpChannel();

  it('sendEmail sends the same message from the old and the new input', async () => {
    const activities = createActivities(testDeps({ email: smtp.channel }));
    const emails = [...templates.values()].filter((t) => t.channel === 'email');
    const { record } = records.find((r) => r.name === 'anna-rossi.json')!;
    for (const template of emails) {
      const a = await activities.sendEmail(legacyInput(template, record));
      const b = await activities.sendEmail(minimalInput(template, record));
      expect(b, template.name).toEqual({ ...a, providerId: expect.any(String) });
    }
    const mails = await Promise.all(smtp.sink.messages().map((m) => simpleParser(m.raw)));
    expect(mails).toHaveLength(emails.length * 2);
    for (let i = 0; i < mails.length; i += 2) {
      const [a, b] = [mails[i]!, mails[i + 1]!];
      expect(b.subject).toBe(a.subject);
      expect(b.text).toBe(a.text);
      expect(b.html).toBe(a.html);
      expect(b.messageId).toBe(a.messageId);
      expect(b.headers.get('list-unsubscribe')).toEqual(a.headers.get('list-unsubscribe'));
      expect(b.to).toEqual(a.to);
    }
  });

  it('sendSms sends the same text from the old and the new input', async () => {
    const sms = [...templates.values()].filter((t) => t.channel === 'sms');
    const { record } = records.find((r) => r.name === 'jan-devries.json')!;
    const [old, now] = [new LocalSmsSink(), new LocalSmsSink()];
    for (const template of sms) {
      const a = await createActivities(testDeps({ sms: old })).sendSms(legacyInput(template, record));
      const b = await createActivities(testDeps({ sms: now })).sendSms(minimalInput(template, record));
      expect(b, template.name).toEqual(a);
    }
    const sent = (sink: LocalSmsSink) => sink.messages().map(({ sentAt: _at, ...m }) => m);
    expect(sent(now)).toEqual(sent(old));
    expect(now.messages()).toHaveLength(sms.length);
  });
});
