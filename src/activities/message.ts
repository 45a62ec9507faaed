/**
 * What email and SMS sends share: the signed opt-out link, rendering the template in the
 * debtor's locale (and time zone, for `debt.daysPastDue`), and ids derived from the idempotency
 * key — so that an activity retry renders and sends the same message under the same id.
 */
import { createHash } from 'node:crypto';
import { publicLink } from '../channels/payments.js';
import { signLinkToken } from '../channels/tokens.js';
import { keyedHash } from '../temporal/ids.js';
import { TemplateRenderError, type RenderedMessage } from '../templates/index.js';
import type { ActivityDeps } from './deps.js';
import { invalidInput } from './failures.js';
import type { SendMessageInput } from './types.js';

/** The email Message-ID for an idempotency key: `<32 hex chars of sha256(key)@settle>`. */
export function emailMessageId(key: string): string {
  return `<${createHash('sha256').update(key).digest('hex').slice(0, 32)}@settle>`;
}

/**
 * `${publicUrl}/u/<token>`: the token names the workflow, step, channel and message, the debtor's
 * locale (the opt-out page's language) and the contact key of the address the message goes to (an
 * unsubscribe reaches every running journey of that person: the SettleContact search attribute).
 */
export function optOutUrl(deps: ActivityDeps, input: SendMessageInput): string {
  const { email, phone, locale } = input.enrollment.debtor;
  const address = input.channel === 'email' ? email : phone;
  const contact = address?.trim()
    ? keyedHash(deps.secret, input.channel === 'email' ? 'email' : 'phone', address)
    : undefined;
  const claims = {
    ...({ p: 'u', w: input.workflowId, s: input.step, c: input.channel, k: input.key } as const),
    ...(contact !== undefined && { h: contact }),
    ...(locale?.trim() && { l: locale.trim() }),
  };
  const token = signLinkToken(deps.secret, claims, undefined, (deps.clock ?? Date.now)());
  return publicLink(deps.publicUrl, `u/${token}`);
}

function validTimeZone(zone: string | undefined): string | undefined {
  if (zone === undefined || zone.trim() === '') return undefined;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone;
  } catch {
    return undefined;
  }
}

/** Renders the step's template, failing non-retryably when the template cannot render. */
export function renderFor(
  deps: ActivityDeps,
  input: SendMessageInput,
  links: { optOut: string; pay?: string },
): RenderedMessage {
  const { template, enrollment } = input;
  if (template.channel !== input.channel) {
    throw invalidInput(
      `template "${template.name}" is a ${template.channel} template but step "${input.step}" sends ${input.channel} — use a ${input.channel} template`,
    );
  }
  const zone = enrollment.debtor.timezone;
  const timezone = validTimeZone(zone);
  if (zone !== undefined && timezone === undefined) {
    deps.log?.warn('unknown debtor time zone: rendering in UTC', { journey: input.journey, step: input.step });
  }
  try {
    return deps.renderer.render(template, undefined, enrollment, links, {
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

/** Log fields that identify a send without naming anyone. */
export function sendLogMeta(input: SendMessageInput): Record<string, string | number> {
  return { journey: input.journey, version: input.version, step: input.step, channel: input.channel };
}
