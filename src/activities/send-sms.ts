/**
 * The `sendSms` activity: renders the step's text in the debtor's locale and hands it to the
 * SMS channel with the idempotency key, which the channel dedupes on (an SMS has no Message-ID a
 * handset could use, so a retried activity must not reach the provider twice). The number must
 * be E.164: carriers refuse anything else, so that is invalid input, not a retry.
 */
import { ChannelError } from '../channels/errors.js';
import type { SendDeps } from './deps.js';
import { channelFailure, invalidInput } from './failures.js';
import { recipientAddress, renderWithLinks, sendInputOf, sendLogMeta } from './message.js';
import type { SendMessageInput, SendMessageResult } from '../workflows/contract.js';

export const E164 = /^\+[1-9]\d{6,14}$/;

export function createSendSms(deps: SendDeps<'sms'>): (input: SendMessageInput) => Promise<SendMessageResult> {
  return async function sendSms(scheduled) {
    const input = sendInputOf(scheduled);
    const what = `SMS step "${input.step}"`;
    const to = recipientAddress(input, what, {
      field: 'debtor.phone',
      form: E164,
      malformed: 'is not in E.164 form — write it with + and the country code, e.g. +447700900123',
    });
    const { rendered } = renderWithLinks(deps, input);
    if (rendered.text.trim() === '') {
      throw invalidInput(`${what}: template "${input.message.template}" (${rendered.locale}) renders an empty text`);
    }
    let result;
    try {
      result = await deps.sms.send({
        key: input.key,
        to,
        body: rendered.text,
        version: input.version,
        journey: input.journey,
        ...(input.variant !== undefined && { variant: input.variant }),
        ...(deps.test && { test: true }),
      });
    } catch (error) {
      if (error instanceof ChannelError) {
        deps.log?.warn('SMS refused', { ...sendLogMeta(input), kind: error.kind, code: error.code });
        throw channelFailure(error, what);
      }
      throw error;
    }
    const cost = {
      ...(result.cost !== undefined && { cost: result.cost }),
      ...(result.costCurrency !== undefined && { costCurrency: result.costCurrency }),
    };
    const meta = { ...sendLogMeta(input), providerId: result.providerId, segments: result.segments, ...cost };
    deps.log?.info(result.duplicate ? 'SMS already sent' : 'SMS sent', meta);
    return {
      messageId: result.providerId,
      providerId: result.providerId,
      locale: rendered.locale,
      segments: result.segments,
      ...cost,
      ...(result.duplicate && { duplicate: true }),
    };
  };
}
