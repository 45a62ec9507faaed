/**
 * Contact rules enforced at send time, on the real time-skipping server with real SMTP and the SMS
 * sink (issue 6): send windows in each debtor's own zone, a frequency cap shared by two journeys of
 * one debt (the debtor ledger entity workflow), an SMS STOP heard by one journey stopping SMS in
 * another, and a debtor without SMS consent reached by email only. Journey time is pinned with
 * options.enrolledAt, so the schedule does not depend on the wall clock.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { emailMessageId } from '../../src/activities/message.js';
import { isOpenInstant } from '../../src/core/policy/index.js';
import type { EnrollmentData, JourneyPlan } from '../../src/ir/index.js';
import {
  ledgerOptInSignal,
  ledgerQuery,
  ledgerWorkflowId,
  optInSignal,
  optOutSignal,
  stateQuery,
} from '../../src/workflows/definitions.js';
import type { JourneyResult, JourneyStateView } from '../../src/workflows/types.js';
import { startOnRig, useTimeSkippingRig } from '../support/journey-worker.js';
import { exampleRecord } from '../support/journeys.js';
import { quietTemporalRuntime } from '../support/temporal.js';
import { eventually } from '../support/wait.js';
import { journeyPlan, policyFile } from '../support/journey-yaml.js';

quietTemporalRuntime();

const DAY = 86_400_000;

const POLICY = policyFile(
  'house-rules',
  `  timezoneFallback: Europe/Paris
  sendWindow: { from: "08:00", to: "21:00", days: [mon, tue, wed, thu, fri, sat] }
  holidays: { country: FR }
  frequencyCaps:
    - { channels: [email, sms], max: 3, per: 7d }
  consent: { sms: required, email: assumed }
`,
);

function journey(name: string, steps: string): JourneyPlan {
  return journeyPlan({ name, policy: 'house-rules', goal: 'paid', steps }, [POLICY]);
}

const email = (id: string) =>
  `    - { id: ${id}, type: send, channel: email, template: overdue-friendly, paymentLink: true }\n`;
const sms = (id: string) =>
  `    - { id: ${id}, type: send, channel: sms, template: overdue-nudge-sms, paymentLink: true }\n`;
const wait = (id: string, d: string) => `    - { id: ${id}, type: wait, duration: ${d} }\n`;
const exit = `    - { id: done, type: exit, outcome: unresolved }\n`;

const t = useTimeSkippingRig();

function debtor(debtId: string, changes: Partial<EnrollmentData['debtor']> = {}): EnrollmentData {
  const r = exampleRecord('anna-rossi');
  return { ...r, debtId, debtor: { ...r.debtor, ...changes } };
}

const start = (plan: JourneyPlan, e: EnrollmentData, enrolledAt: number, debtorKey = `k-${e.debtId}`) =>
  startOnRig(t, `settle/${e.debtId}/${plan.journey}`, plan, e, { debtorKey, contactKeys: [], enrolledAt });

/** Results one at a time: each result() unlocks the test server's time skipping while it waits. */
async function finish(...handles: WorkflowHandle[]): Promise<JourneyStateView[]> {
  const views: JourneyStateView[] = [];
  for (const h of handles) {
    (await h.result()) as JourneyResult;
    views.push(await h.query(stateQuery));
  }
  return views;
}

const sent = (v: JourneyStateView) => v.sends.filter((s) => s.status === 'sent');

describe('contact rules on the time-skipping server', () => {
  it('debtors enrolled at one instant in Los Angeles and Paris get their first message at different UTC times, each inside its own window', async () => {
    const plan = journey('first-contact', email('hello') + exit);
    // Saturday 28 November 2026, 22:14 in Paris = 13:14 in Los Angeles.
    const at = Date.parse('2026-11-28T21:14:00Z');
    const paris = await start(plan, debtor('TZ-PARIS'), at);
    const la = await start(plan, debtor('TZ-LA', { timezone: 'America/Los_Angeles', email: 'la@example.com' }), at);
    const [p, l] = await finish(paris, la);

    const parisAt = sent(p!)[0]!.at;
    const laAt = sent(l!)[0]!.at;
    // Paris: Sunday is closed, so Monday 08:00 (07:00 UTC); Los Angeles: at once.
    expect(new Date(parisAt).toISOString().slice(0, 16)).toBe('2026-11-30T07:00');
    expect(new Date(laAt).toISOString().slice(0, 16)).toBe('2026-11-28T21:14');
    expect(isOpenInstant(plan.policy, 'Europe/Paris', parisAt)).toBe(true);
    expect(isOpenInstant(plan.policy, 'America/Los_Angeles', laAt)).toBe(true);
    expect(p!.audit.find((a) => a.kind === 'deferred')?.message).toBe(
      'Email of step hello deferred from Sat 22:14 to Mon 08:00 Europe/Paris: outside send window',
    );
    expect(l!.audit.filter((a) => a.kind === 'deferred')).toEqual([]);
    // Both emails really went out, and only the Paris one was counted as deferred.
    const ids = new Set(t.rig.smtp.messages().map((m) => m.messageId));
    expect(ids.has(emailMessageId(`${paris.workflowId}/hello/1`))).toBe(true);
    expect(ids.has(emailMessageId(`${la.workflowId}/hello/1`))).toBe(true);
    expect(t.rig.contactRules.filter((c) => c.labels.journey === 'first-contact')).toEqual([
      {
        kind: 'deferred',
        labels: { journey: 'first-contact', version: 1, step: 'hello', channel: 'email', reason: 'outsideWindow' },
      },
    ]);
  }, 120_000);

  it('a debt in two journeys at once never exceeds the cap: the ledger defers what would break it', async () => {
    const steps = email('e1') + wait('w1', '1h') + email('e2') + wait('w2', '1h') + email('e3') + exit;
    const a = journey('cap-a', steps);
    const b = journey('cap-b', steps);
    const e = debtor('CAP-1');
    // Monday 23 November 2026, 08:30 in Paris: both journeys start at the same instant.
    const at = Date.parse('2026-11-23T07:30:00Z');
    const ha = await start(a, e, at);
    const hb = await start(b, e, at);
    const views = await finish(ha, hb);

    const times = views
      .flatMap(sent)
      .map((s) => s.at)
      .sort((x, y) => x - y);
    expect(times).toHaveLength(6);
    // No rolling 7-day window holds more than 3 contacts of the debt (both journeys together).
    for (let i = 0; i + 3 < times.length; i++) expect(times[i + 3]! - times[i]!).toBeGreaterThanOrEqual(7 * DAY);
    for (const t of times) expect(isOpenInstant(a.policy, 'Europe/Paris', t)).toBe(true);
    const deferred = views.flatMap((v) => v.audit.filter((x) => x.kind === 'deferred'));
    expect(deferred.length).toBeGreaterThan(0);
    expect(deferred.every((d) => d.reason === 'frequencyCap')).toBe(true);
    expect(deferred[0]!.message).toMatch(
      /^Email of step e[23] deferred from Mon 23 Nov (09|10):(29|30) to Mon 30 Nov (08|09|10):(29|30) Europe\/Paris: frequency cap email\+SMS ≤ 3 per 7d reached$/,
    );
    // The ledger saw all six contacts, from both journeys.
    const ledger = await t.env.client.workflow.getHandle(ledgerWorkflowId('k-CAP-1')).query(ledgerQuery);
    expect(ledger.contacts.map((c) => c.workflowId).sort()).toEqual(
      [...Array(3).fill(ha.workflowId), ...Array(3).fill(hb.workflowId)].sort(),
    );
    expect(
      t.rig.contactRules
        .filter((c) => c.labels.journey.startsWith('cap-'))
        .every((c) => c.kind === 'deferred' && c.labels.reason === 'frequencyCap'),
    ).toBe(true);
  }, 180_000);

  it('an SMS STOP heard by one journey stops SMS in the other journey of the debtor', async () => {
    const a = journey('stop-a', sms('s1') + wait('w1', '1d') + sms('s2') + exit);
    const b = journey('stop-b', wait('w0', '2d') + sms('s3') + exit);
    const at = Date.parse('2026-11-23T07:30:00Z');
    const key = 'k-STOP-debtor';
    const ha = await start(a, debtor('STOP-A'), at, key);
    const hb = await start(b, debtor('STOP-B'), at, key);
    await eventually(async () => expect(sent(await ha.query(stateQuery)).map((s) => s.step)).toEqual(['s1']));
    // The debtor answers STOP to s1: the server signals journey A (the one the reply belongs to).
    await ha.signal(optOutSignal, { channel: 'sms' });
    await eventually(async () => {
      const ledger = await t.env.client.workflow.getHandle(ledgerWorkflowId(key)).query(ledgerQuery);
      expect(ledger.optedOut).toEqual(['sms']);
    });
    const [va, vb] = await finish(ha, hb);
    expect(va!.sends.map((s) => `${s.step} ${s.status} ${s.reason ?? ''}`.trim())).toEqual([
      's1 sent',
      's2 blocked optedOut',
    ]);
    expect(vb!.sends.map((s) => `${s.step} ${s.status} ${s.reason ?? ''}`.trim())).toEqual(['s3 blocked optedOut']);
    expect(vb!.optedOut).toEqual([]); // journey B never heard the STOP itself: the ledger told it
    expect(vb!.audit.find((x) => x.kind === 'blocked')?.message).toBe(
      'SMS of step s3 skipped: debtor opted out of SMS',
    );
    expect(
      t.rig.sms
        .messages()
        .filter((m) => m.key.startsWith('settle/STOP-'))
        .map((m) => m.key),
    ).toEqual([`${ha.workflowId}/s1/1`]);
  }, 120_000);

  it('a captured SMS START replayed after a later STOP changes nothing: consent events count once by MessageSid', async () => {
    const a = journey('replay-a', sms('s1') + wait('w1', '1d') + sms('s2') + exit);
    const at = Date.parse('2026-11-23T07:30:00Z');
    const key = 'k-REPLAY-debtor';
    const ha = await start(a, debtor('REPLAY-A'), at, key);
    await eventually(async () => expect(sent(await ha.query(stateQuery)).map((s) => s.step)).toEqual(['s1']));
    const ledger = t.env.client.workflow.getHandle(ledgerWorkflowId(key));
    // STOP, START and STOP in quick succession: the journey tells its ledger in that order.
    await ha.signal(optOutSignal, { channel: 'sms', eventId: 'twilio/SM1/optOut' });
    await ha.signal(optInSignal, { channel: 'sms', eventId: 'twilio/SM2/optIn' });
    await ha.signal(optOutSignal, { channel: 'sms', eventId: 'twilio/SM3/optOut' });
    await eventually(async () => expect((await ledger.query(ledgerQuery)).optedOut).toEqual(['sms']), {
      timeoutMs: 30_000,
    });
    // The attacker replays the signed START (same MessageSid), to the journey and to the ledger.
    await ha.signal(optInSignal, { channel: 'sms', eventId: 'twilio/SM2/optIn' });
    await ledger.signal(ledgerOptInSignal, { channel: 'sms', eventId: 'twilio/SM2/optIn' });
    expect((await ha.query(stateQuery)).optedOut).toEqual(['sms']);
    expect((await ledger.query(ledgerQuery)).optedOut).toEqual(['sms']);
    const [va] = await finish(ha);
    expect(va!.sends.map((s) => `${s.step} ${s.status} ${s.reason ?? ''}`.trim())).toEqual([
      's1 sent',
      's2 blocked optedOut',
    ]);
    // A new START from the debtor (another MessageSid) still opts back in.
    await ledger.signal(ledgerOptInSignal, { channel: 'sms', eventId: 'twilio/SM4/optIn' });
    await eventually(async () => expect((await ledger.query(ledgerQuery)).optedOut).toEqual([]));
  }, 120_000);

  it("one plan, each debtor's own holidays and policy: King's Day defers the NL debtor, Thanksgiving the US one (us-reg-f), FR is open both days", async () => {
    const own = {
      path: 'policies/own-holidays.policy.yaml',
      text: POLICY.text
        .replace('name: house-rules', 'name: own-holidays')
        .replace('holidays: { country: FR }', 'holidays: { country: [FR, NL] }'),
    };
    const us = {
      path: 'policies/us-rules.policy.yaml',
      text: POLICY.text
        .replace('name: house-rules', 'name: us-rules')
        .replace('timezoneFallback: Europe/Paris', 'timezoneFallback: America/New_York')
        .replace('holidays: { country: FR }', 'holidays: { country: US }'),
    };
    const plan = journeyPlan(
      {
        name: 'follows-debtor',
        policy: 'own-holidays',
        spec: { policyByCountry: { US: 'us-rules' } },
        steps: email('hello') + exit,
      },
      [own, us],
    );
    const kingsDay = Date.parse('2026-04-27T08:00:00Z'); // Mon 10:00 in Paris and Amsterdam
    const thanksgiving = Date.parse('2026-11-26T15:00:00Z'); // Thu 10:00 in New York, 16:00 in Paris
    const nl = await start(plan, debtor('OWN-NL', { country: 'NL', timezone: 'Europe/Amsterdam' }), kingsDay);
    const fr1 = await start(plan, debtor('OWN-FR1', { country: 'FR' }), kingsDay);
    const usd = await start(plan, debtor('OWN-US', { country: 'US', timezone: 'America/New_York' }), thanksgiving);
    const fr2 = await start(plan, debtor('OWN-FR2', { country: 'FR' }), thanksgiving);
    const [vNl, vFr1, vUs, vFr2] = await finish(nl, fr1, usd, fr2);
    // To the minute: a deferred send goes when the server's timer fires, a few ms after the instant.
    const iso = (v: JourneyStateView) => sent(v).map((s) => new Date(Math.floor(s.at / 60_000) * 60_000).toISOString());
    expect(iso(vNl!)).toEqual(['2026-04-28T06:00:00.000Z']); // Tue 08:00 CEST
    expect(iso(vFr1!)).toEqual(['2026-04-27T08:00:00.000Z']);
    expect(iso(vUs!)).toEqual(['2026-11-27T13:00:00.000Z']); // Fri 08:00 EST
    expect(iso(vFr2!)).toEqual(['2026-11-26T15:00:00.000Z']);
    const deferred = (h: WorkflowHandle) =>
      h.query(stateQuery).then((v) => v.audit.filter((a) => a.kind === 'deferred'));
    expect((await deferred(nl)).map((a) => a.message)).toEqual([
      'Email of step hello deferred from Mon 10:00 to Tue 08:00 Europe/Amsterdam: public holiday (NL)',
    ]);
    expect((await deferred(usd)).map((a) => a.message)).toEqual([
      'Email of step hello deferred from Thu 10:00 to Fri 08:00 America/New_York: public holiday (US)',
    ]);
  }, 120_000);

  it('a debtor without SMS consent gets email only', async () => {
    const plan = journey(
      'consent-check',
      `    - { id: text, type: send, channel: sms, template: overdue-nudge-sms, paymentLink: true, onBlocked: mail }\n` +
        wait('w', '1d') +
        email('mail') +
        exit,
    );
    const h = await start(
      plan,
      debtor('NO-SMS-1', { consent: { email: true, sms: false } }),
      Date.parse('2026-11-23T07:30:00Z'),
    );
    const [v] = await finish(h);
    expect(v!.sends.map((s) => `${s.channel} ${s.step} ${s.status} ${s.reason ?? ''}`.trim())).toEqual([
      'sms text blocked noConsent',
      'email mail sent',
    ]);
    expect(t.rig.sms.messages().filter((m) => m.key.startsWith(h.workflowId))).toEqual([]);
    expect(t.rig.smtp.messages().filter((m) => m.messageId === emailMessageId(`${h.workflowId}/mail/1`))).toHaveLength(
      1,
    );
    expect(t.rig.contactRules.filter((c) => c.labels.journey === 'consent-check')).toEqual([
      {
        kind: 'blocked',
        labels: { journey: 'consent-check', version: 1, step: 'text', channel: 'sms', reason: 'noConsent' },
      },
    ]);
  }, 120_000);
});
