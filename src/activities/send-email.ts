/**
 * The `sendEmail` activity: renders the step's template in the debtor's locale and sends it
 * with a Message-ID derived from the idempotency key and one-click unsubscribe headers
 * (RFC 8058, required by the large mailbox providers for bulk senders); its links become signed
 * click redirects and its HTML part carries an open pixel (tracking-links.ts). A refused recipient is
 * a hard bounce (non-retryable), a temporary refusal a soft bounce (retried by the step policy).
 */
import { ChannelError } from '../channels/errors.js';
import { TEST_SUBJECT_PREFIX, type SendDeps } from './deps.js';
import { channelFailure, hardBounce, invalidInput } from './failures.js';
import { emailMessageId, recipientAddress, renderWithLinks, sendInputOf, sendLogMeta } from './message.js';
import { createTracker, trackHtml, trackText } from './tracking-links.js';
import type { SendMessageInput, SendMessageResult } from '../workflows/contract.js';

/** One bare address: a comma or angle bracket would make nodemailer send to several recipients. */
const SINGLE_ADDRESS = /^[^\s@<>,;:"()[\]\\]+@[^\s@<>,;:"()[\]\\]+$/;

export function createSendEmail(deps: SendDeps<'email'>): (input: SendMessageInput) => Promise<SendMessageResult> {
  return async function sendEmail(scheduled) {
    const input = sendInputOf(scheduled);
    const what = `email step "${input.step}"`;
    const to = recipientAddress(input, what, {
      field: 'debtor.email',
      form: SINGLE_ADDRESS,
      malformed: 'is not a single email address — write one address, e.g. name@example.com',
    });
    const { optOut, rendered } = renderWithLinks(deps, input);
    if (rendered.subject === undefined || rendered.subject.trim() === '') {
      throw invalidInput(`${what}: template "${input.message.template}" (${rendered.locale}) has no subject — add one`);
    }
    const messageId = emailMessageId(input.key);
    const tracker = createTracker({
      secret: deps.secret,
      publicUrl: deps.publicUrl,
      nowMs: (deps.clock ?? Date.now)(),
      workflowId: input.workflowId,
      step: input.step,
      version: input.version,
      variant: input.variant,
      journey: input.journey,
      key: input.key,
      optOut,
      test: deps.test,
    });
    let result;
    try {
      result = await deps.email.send({
        messageId,
        from: deps.from,
        to,
        subject: deps.test ? `${TEST_SUBJECT_PREFIX}${rendered.subject}` : rendered.subject,
        text: trackText(rendered.text, tracker),
        ...(rendered.html !== undefined && { html: trackHtml(rendered.html, tracker) }),
        headers: { 'List-Unsubscribe': `<${optOut}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      });
    } catch (error) {
      if (error instanceof ChannelError) {
        deps.log?.warn('email refused', { ...sendLogMeta(input), messageId, kind: error.kind, code: error.code });
        throw channelFailure(error, what);
      }
      throw error;
    }
    if (result.rejected.length >= 1) {
      // The only recipient was refused: nothing was delivered.
      deps.log?.warn('email refused', { ...sendLogMeta(input), messageId, kind: 'hard' });
      throw hardBounce(`${what}: the mail server refused the recipient`);
    }
    deps.log?.info('email sent', { ...sendLogMeta(input), messageId, locale: rendered.locale });
    return {
      messageId,
      locale: rendered.locale,
      ...(result.providerId !== undefined && { providerId: result.providerId }),
      rejected: result.rejected.length,
    };
  };
}
