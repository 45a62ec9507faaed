/** sendSms through the local SMS sink: E.164 validation, rendering, segments and dedupe by key. */
import { beforeEach, describe, expect, it } from 'vitest';
import { createActivities } from '../../src/activities/index.js';
import { FAILURE, type Activities } from '../../src/workflows/contract.js';
import { ChannelError } from '../../src/channels/errors.js';
import { LocalSmsSink } from '../../src/channels/sms.js';
import { verifyLinkToken } from '../../src/channels/tokens.js';
import type { PlanTemplate } from '../../src/ir/index.js';
import {
  enrollment,
  memoryLog,
  PERSONAL,
  failure,
  SECRET,
  sendInput,
  smsTemplate,
  spaces,
  testDeps,
  type MemoryLog,
} from './helpers.js';

let sink: LocalSmsSink;
let log: MemoryLog;
let activities: Activities;

beforeEach(() => {
  sink = new LocalSmsSink();
  log = memoryLog();
  activities = createActivities(testDeps({ sms: sink, log }));
});

function smsInput(phone: string | undefined, template: PlanTemplate = smsTemplate) {
  const { phone: _drop, ...debtor } = enrollment.debtor;
  return sendInput({
    channel: 'sms',
    template,
    key: 'settle/INV-2026-0042/friendly/text/1',
    step: 'text',
    enrollment: { ...enrollment, debtor: phone === undefined ? debtor : { ...debtor, phone } },
  });
}

describe('sendSms', () => {
  it("sends the text rendered in the debtor's locale and reports its segments", async () => {
    const result = await activities.sendSms(smsInput('+33612345678'));
    expect(result).toEqual({
      messageId: expect.stringMatching(/^SM[0-9a-f]{32}$/),
      providerId: result.messageId,
      locale: 'fr',
      segments: 1,
    });
    const [sent] = sink.messages();
    expect(sent).toMatchObject({ key: 'settle/INV-2026-0042/friendly/text/1', to: '+33612345678' });
    expect(spaces(sent!.body)).toBe('INV-2026-0042 : 420,50 € à régler. https://pay.example.test/p/tok STOP');
  });

  it('counts UCS-2 segments for long non-GSM texts', async () => {
    const long: PlanTemplate = { ...smsTemplate, locales: { en: { text: `${'ж'.repeat(100)} {{ links.optOut }}` } } };
    const result = await activities.sendSms(smsInput('+33612345678', long));
    expect(result.segments).toBeGreaterThanOrEqual(3);
    const optOut = /\/u\/(\S+)$/.exec(sink.messages()[0]!.body)?.[1];
    expect(verifyLinkToken(SECRET, optOut!, 'u')).toMatchObject({ c: 'sms', s: 'text' });
  });

  it('sends a key once: a retried activity gets the first result back', async () => {
    const first = await activities.sendSms(smsInput('+33612345678'));
    const retry = await activities.sendSms(smsInput('+33612345678'));
    expect(retry).toEqual({ ...first, duplicate: true });
    expect(sink.messages()).toHaveLength(1);
    expect(log.lines.map((l) => l.message)).toEqual(['SMS sent', 'SMS already sent']);
  });

  it.each([['0612345678'], ['+33 6 12 34 56 78'], ['+0612345678'], ['+12345'], ['+1234567890123456'], ['33612345678']])(
    'refuses %s as not E.164, without quoting it',
    async (phone) => {
      const error = await failure(activities.sendSms(smsInput(phone)));
      expect(error).toMatchObject({ type: FAILURE.invalidInput, nonRetryable: true });
      expect(error.message).toContain('E.164');
      expect(error.message).not.toContain(phone);
      expect(sink.messages()).toEqual([]);
    },
  );

  it('refuses a missing phone number', async () => {
    const error = await failure(activities.sendSms(smsInput(undefined)));
    expect(error).toMatchObject({ type: FAILURE.invalidInput, nonRetryable: true });
    expect(error.message).toContain('debtor.phone');
  });

  it('maps channel refusals: opt-out and invalid number are final, an outage is retried', async () => {
    for (const [kind, type, nonRetryable] of [
      ['optedOut', FAILURE.optedOut, true],
      ['hard', FAILURE.hardBounce, true],
      ['unavailable', 'ChannelUnavailable', false],
    ] as const) {
      const refusing = { send: () => Promise.reject(new ChannelError(kind, `provider said ${kind}`, 21610)) };
      const error = await failure(createActivities(testDeps({ sms: refusing })).sendSms(smsInput('+33612345678')));
      expect(error).toMatchObject({ type, nonRetryable });
    }
  });

  it('logs ids, never personal data', async () => {
    await activities.sendSms(smsInput('+33612345678'));
    const logged = JSON.stringify(log.lines);
    for (const value of PERSONAL) expect(logged).not.toContain(value);
  });
});

describe('message rendering failures', () => {
  it('refuses a template of the other channel', async () => {
    const error = await failure(activities.sendSms(sendInput({ channel: 'sms' })));
    expect(error).toMatchObject({ type: FAILURE.invalidInput, nonRetryable: true });
    expect(error.message).toMatch(/is a email template but step "remind" sends sms/);
  });

  it('turns a template that cannot render into invalid input naming template and locale', async () => {
    const broken: PlanTemplate = { ...smsTemplate, locales: { en: { text: '{{ debt.amountDue | money: "euros" }}' } } };
    const error = await failure(activities.sendSms(smsInput('+33612345678', broken)));
    expect(error).toMatchObject({ type: FAILURE.invalidInput, nonRetryable: true });
    expect(error.message).toMatch(/template "sms-reminder" \(locale en, text\)/);
  });

  it('renders in UTC when the debtor time zone is unknown, with a warning', async () => {
    const lost = { ...enrollment, debtor: { ...enrollment.debtor, timezone: 'Mars/Olympus' } };
    await activities.sendSms({ ...smsInput('+33612345678'), enrollment: lost });
    expect(log.lines[0]).toMatchObject({ level: 'warn', message: 'unknown debtor time zone: rendering in UTC' });
    expect(sink.messages()).toHaveLength(1);
  });
});
