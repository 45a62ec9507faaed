/**
 * The payment page's self-service parts: the dispute form (a plain form post: no JavaScript; a
 * `<details>` keeps it folded on a phone), the notice of a dispute under review, and the short
 * pages its route answers with. Every value goes through escapeHtml; every field has a label.
 */
import type { DisputeReason } from '../../../ir/index.js';
import { escapeHtml } from '../html.js';
import { formatDueDate } from './format.js';
import { noticePage } from './pages.js';
import { selfServiceTexts } from './self-service-texts.js';
import type { Language } from './texts.js';
import { textsFor } from './texts.js';

const e = escapeHtml;

export interface DisputeFormModel {
  language: Language;
  /** Intl locale for dates. */
  locale: string;
  /** Where the form posts (`…/s/<token>/dispute`). */
  action: string;
  reasons: DisputeReason[];
  maxLength: number;
  /** The dispute's number for this debt (1 for the first): part of its idempotency key. */
  n: number;
  /** The form's signature (src/server/routes/self-service.ts). */
  csrf: string;
  /** A dispute under review: the page says so instead of offering the form. */
  open?: { reason: DisputeReason; openedOn: string };
}

/** The dispute section of the payment page. */
export function disputeSection(m: DisputeFormModel): string {
  const t = selfServiceTexts(m.language);
  if (m.open !== undefined) {
    return (
      '<section class="card" role="status" aria-labelledby="dispute-title">' +
      `<h2 id="dispute-title">${e(t.disputeOpenTitle)}</h2>` +
      `<p>${e(t.disputeOpenBody(t.reasons[m.open.reason], formatDueDate(m.open.openedOn, m.locale)))}</p></section>`
    );
  }
  const choices = m.reasons
    .map(
      (r) =>
        `<div class="choice"><input type="radio" id="reason-${e(r)}" name="reason" value="${e(r)}" required>` +
        `<label for="reason-${e(r)}">${e(t.reasons[r])}</label></div>`,
    )
    .join('');
  const details = m.reasons.includes('other')
    ? `<label class="field" for="dispute-text">${e(t.disputeDetails(m.maxLength))}</label>` +
      `<textarea id="dispute-text" name="text" rows="3" maxlength="${m.maxLength}" aria-describedby="dispute-text-hint"></textarea>` +
      `<p id="dispute-text-hint" class="muted hint">${e(t.disputeDetailsHint)}</p>`
    : '';
  return (
    '<section class="card" aria-labelledby="dispute-title">' +
    `<details><summary><h2 id="dispute-title">${e(t.disputeTitle)}</h2></summary>` +
    `<p class="muted">${e(t.disputeIntro)}</p>` +
    `<form method="post" action="${e(m.action)}">` +
    `<fieldset><legend>${e(t.disputeReason)}</legend>${choices}</fieldset>${details}` +
    `<input type="hidden" name="n" value="${m.n}"><input type="hidden" name="csrf" value="${e(m.csrf)}">` +
    `<button class="btn secondary" type="submit">${e(t.disputeSubmit)}</button></form></details></section>`
  );
}

export type SelfServiceNotice = 'disputeReceived' | 'badForm' | 'otherNeedsText' | 'tooMany' | 'forbidden';

/** A short page after a self-service form: received, or what went wrong (with a link back to the page). */
export function selfServiceNotice(
  kind: SelfServiceNotice,
  language: Language,
  back?: string,
  creditor?: string,
): string {
  const t = selfServiceTexts(language);
  const texts: Record<SelfServiceNotice, [string, string]> = {
    disputeReceived: [t.disputeReceivedTitle, t.disputeReceivedBody],
    badForm: [t.badFormTitle, t.badFormBody],
    otherNeedsText: [t.badFormTitle, t.otherNeedsText],
    tooMany: [t.tooManyTitle, t.tooManyBody],
    forbidden: [t.forbiddenTitle, t.forbiddenBody],
  };
  const [title, message] = texts[kind];
  return noticePage({
    language,
    title,
    message,
    ...(kind === 'disputeReceived' && { success: true }),
    ...(creditor !== undefined && { creditor }),
    ...(back !== undefined && { link: { href: back, label: textsFor(language).back } }),
  });
}
