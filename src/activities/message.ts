/**
 * What email and SMS sends share: the signed opt-out link, rendering the template in the
 * debtor's locale (and time zone, for `debt.daysPastDue`), and ids derived from the idempotency
 * key — so that an activity retry renders and sends the same message under the same id.
 */
import { createHash } from 'node:crypto';
import { publicLink } from '../channels/payments.js';
import { signLinkToken, TEST_LINK } from '../channels/tokens.js';
import { messageParts } from '../core/template-values.js';
import { isValidTimeZone } from '../core/timezone.js';
import type { PlanTemplate } from '../ir/index.js';
import { keyedHash } from '../ids/workflow-ids.js';
import { TemplateRenderError, type RenderedMessage } from '../templates/index.js';
import type { ActivityDeps } from './deps.js';
import { invalidInput } from './failures.js';
import type { SendInput, SendMessageInput } from '../workflows/contract.js';

/** The email Message-ID for an idempotency key: `<32 hex chars of sha256(key)@settle>`. */
export function emailMessageId(key: string): string {
  return `<${createHash('sha256').update(key).digest('hex').slice(0, 32)}@settle>`;
}

/**
 * `${publicUrl}/u/<token>`: the token names the workflow, step, channel and message, the debtor's
 * locale (the opt-out page's language) and the contact key of the address the message goes to (an
 * unsubscribe reaches every running journey of that person: the SettleContact search attribute).
 */
export function optOutUrl(
  deps: Pick<ActivityDeps, 'secret' | 'publicUrl' | 'clock' | 'test'>,
  input: SendInput,
): string {
  const { address, locale } = input.recipient;
  const contact = address?.trim()
    ? keyedHash(deps.secret, input.channel === 'email' ? 'email' : 'phone', address)
    : undefined;
  const claims = {
    ...({ p: 'u', w: input.workflowId, s: input.step, c: input.channel, k: input.key } as const),
    ...(contact !== undefined && { h: contact }),
    ...(locale?.trim() && { l: locale.trim() }),
    ...(deps.test && TEST_LINK),
  };
  const token = signLinkToken(deps.secret, claims, undefined, (deps.clock ?? Date.now)());
  return publicLink(deps.publicUrl, `u/${token}`);
}

function validTimeZone(zone: string | undefined): string | undefined {
  return zone !== undefined && zone.trim() !== '' && isValidTimeZone(zone) ? zone : undefined;
}

/**
 * A send's input as the workflow now schedules it. A task scheduled by an older worker carries
 * the whole template and record: the same choice of locale (src/core/locale.ts) turns it into
 * the same message, with the whole record as its values, so it renders what it always did.
 */
export function sendInputOf(input: SendMessageInput): SendInput {
  if (!('enrollment' in input)) return input;
  const { template, enrollment, ...rest } = input;
  return { ...rest, ...messageParts(template, enrollment, input.channel, true) };
}

/** Renders the step's message, failing non-retryably when the template cannot render. */
export function renderFor(
  deps: Pick<ActivityDeps, 'renderer' | 'log'>,
  input: SendInput,
  links: { optOut: string; pay?: string },
): RenderedMessage {
  const { message, recipient, values } = input;
  if (message.channel !== input.channel) {
    throw invalidInput(
      `template "${message.template}" is a ${message.channel} template but step "${input.step}" sends ${input.channel} — use a ${input.channel} template`,
    );
  }
  // The chosen locale alone: the renderer's own choice (the same chooseLocale) can only pick it.
  const template: PlanTemplate = {
    name: message.template,
    channel: message.channel,
    defaultLocale: message.locale,
    locales: message.sources === undefined ? {} : { [message.locale]: message.sources },
  };
  const zone = recipient.timezone;
  const timezone = validTimeZone(zone);
  if (zone !== undefined && timezone === undefined) {
    deps.log?.warn('unknown debtor time zone: rendering in UTC', { journey: input.journey, step: input.step });
  }
  try {
    return deps.renderer.render(template, recipient.locale, values, links, {
      nowMs: input.nowMs,
      ...(timezone !== undefined && { timezone }),
    });
  } catch (error) {
    if (error instanceof TemplateRenderError) {
      throw invalidInput(`${error.message} — fix the template and deploy a new journey version`);
    }
    throw error;
  }
}

/**
 * The one address a send goes to, trimmed. A missing address, or one not in the channel's `form`,
 * is invalid input whose message names the record field and the fix.
 */
export function recipientAddress(
  input: SendInput,
  what: string,
  rule: { field: 'debtor.email' | 'debtor.phone'; form: RegExp; malformed: string },
): string {
  const to = input.recipient.address?.trim();
  if (!to) {
    throw invalidInput(
      `${what}: the enrollment record has no ${rule.field} — add it, or guard the step with a branch on ${rule.field}`,
    );
  }
  if (!rule.form.test(to)) throw invalidInput(`${what}: ${rule.field} ${rule.malformed}`);
  return to;
}

/** The step's message rendered with its links (the signed opt-out link, the pay link when there is one). */
export function renderWithLinks(
  deps: Pick<ActivityDeps, 'secret' | 'publicUrl' | 'clock' | 'test' | 'renderer' | 'log'>,
  input: SendInput,
): { optOut: string; rendered: RenderedMessage } {
  const optOut = optOutUrl(deps, input);
  const links = input.payUrl === undefined ? { optOut } : { optOut, pay: input.payUrl };
  return { optOut, rendered: renderFor(deps, input, links) };
}

/** Log fields that identify a send without naming anyone. */
export function sendLogMeta(input: SendMessageInput): Record<string, string | number> {
  return { journey: input.journey, version: input.version, step: input.step, channel: input.channel };
}
