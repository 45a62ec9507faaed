/**
 * The payment page's self-service parts: the promise-to-pay and dispute forms (a plain form post: no JavaScript; a
 * `<details>` keeps it folded on a phone), the notice of a dispute under review, and the short
 * pages its route answers with. Every value goes through escapeHtml; every field has a label.
 */
import type { CallbackSlot, DisputeReason } from '../../../ir/index.js';
import { escapeHtml } from '../../../templates/escape.js';
import { formatDueDate } from './locale-format.js';
import { noticePage } from './pages.js';
import { LANGUAGE_NAMES, selfServiceTexts } from './self-service-texts.js';
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

export interface PromiseFormModel {
  language: Language;
  locale: string;
  /** Where the form posts (`…/s/<token>/promise`). */
  action: string;
  maxDays: number;
  /** The window: tomorrow to today + maxDays in the debtor's zone (YYYY-MM-DD). */
  first: string;
  last: string;
  n: number;
  csrf: string;
  /** A promise running: the page says so instead of offering the form. */
  open?: { date: string };
}

/** The promise-to-pay section of the payment page. */
export function promiseSection(m: PromiseFormModel): string {
  const t = selfServiceTexts(m.language);
  if (m.open !== undefined) {
    return (
      '<section class="card" role="status" aria-labelledby="promise-title">' +
      `<h2 id="promise-title">${e(t.promiseOpenTitle)}</h2>` +
      `<p>${e(t.promiseOpenBody(formatDueDate(m.open.date, m.locale)))}</p></section>`
    );
  }
  const first = formatDueDate(m.first, m.locale);
  const last = formatDueDate(m.last, m.locale);
  return (
    '<section class="card" aria-labelledby="promise-title">' +
    `<details><summary><h2 id="promise-title">${e(t.promiseTitle)}</h2></summary>` +
    `<p class="muted">${e(t.promiseIntro(m.maxDays))}</p>` +
    `<form method="post" action="${e(m.action)}">` +
    `<label class="field" for="promise-date">${e(t.promiseDate)}</label>` +
    `<input type="date" id="promise-date" name="date" min="${e(m.first)}" max="${e(m.last)}" required aria-describedby="promise-date-hint">` +
    `<p id="promise-date-hint" class="muted hint">${e(t.promiseHint(first, last))}</p>` +
    `<input type="hidden" name="n" value="${m.n}"><input type="hidden" name="csrf" value="${e(m.csrf)}">` +
    `<button class="btn secondary" type="submit">${e(t.promiseSubmit)}</button></form></details></section>`
  );
}

/** The link to download the invoice as a PDF. */
export function invoiceLink(m: { language: Language; href: string }): string {
  const t = selfServiceTexts(m.language);
  return (
    `<p class="muted"><a class="download" href="${e(m.href)}" download>${e(t.invoiceLink)}</a>` +
    ` <span>${e(t.invoiceNote)}</span></p>`
  );
}

export interface CallbackFormModel {
  language: Language;
  locale: string;
  action: string;
  timezone: string;
  /** The days offered (YYYY-MM-DD, from tomorrow) and the slots. */
  days: string[];
  slots: CallbackSlot[];
  n: number;
  csrf: string;
  /** The latest call-back asked for, still to come. */
  asked?: { date: string; slot: CallbackSlot };
}

/** The call-back section of the payment page. */
export function callbackSection(m: CallbackFormModel): string {
  const t = selfServiceTexts(m.language);
  const asked =
    m.asked !== undefined
      ? '<div role="status">' +
        `<p><strong>${e(t.callbackAskedTitle)}</strong></p>` +
        `<p>${e(t.callbackAskedBody(formatDueDate(m.asked.date, m.locale), t.slots[m.asked.slot]))}</p></div>`
      : '';
  const days = m.days.map((d) => `<option value="${e(d)}">${e(formatDueDate(d, m.locale))}</option>`).join('');
  const slots = m.slots
    .map(
      (s, i) =>
        `<div class="choice"><input type="radio" id="slot-${s}" name="slot" value="${s}"${i === 0 ? ' checked' : ''}>` +
        `<label for="slot-${s}">${e(t.slots[s])}</label></div>`,
    )
    .join('');
  return (
    '<section class="card" aria-labelledby="callback-title">' +
    `<details${m.asked !== undefined ? ' open' : ''}><summary><h2 id="callback-title">${e(t.callbackTitle)}</h2></summary>` +
    asked +
    `<p class="muted">${e(t.callbackIntro(m.timezone))}</p>` +
    `<form method="post" action="${e(m.action)}">` +
    `<label class="field" for="callback-day">${e(t.callbackDay)}</label><select id="callback-day" name="date">${days}</select>` +
    `<fieldset><legend>${e(t.callbackSlot)}</legend>${slots}</fieldset>` +
    `<input type="hidden" name="n" value="${m.n}"><input type="hidden" name="csrf" value="${e(m.csrf)}">` +
    `<button class="btn secondary" type="submit">${e(t.callbackSubmit)}</button></form></details></section>`
  );
}

export interface PreferencesFormModel {
  language: Language;
  action: string;
  languages: string[];
  /** What is set now: the language of the messages, the preferred channel, the channels opted out of. */
  locale?: string;
  channel?: 'email' | 'sms';
  optedOut: ('email' | 'sms')[];
  n: number;
  csrf: string;
}

/** The contact-preferences section of the payment page. */
export function preferencesSection(m: PreferencesFormModel): string {
  const t = selfServiceTexts(m.language);
  const languages = m.languages
    .map((l) => `<option value="${e(l)}"${l === m.locale ? ' selected' : ''}>${e(LANGUAGE_NAMES[l] ?? l)}</option>`)
    .join('');
  const channels = (['email', 'sms', 'none'] as const)
    .map((c) => {
      const checked = (m.channel ?? 'none') === c ? ' checked' : '';
      return (
        `<div class="choice"><input type="radio" id="channel-${c}" name="channel" value="${c}"${checked}>` +
        `<label for="channel-${c}">${e(t.channels[c])}</label></div>`
      );
    })
    .join('');
  const optOuts = (['email', 'sms'] as const)
    .map((c) => {
      const checked = m.optedOut.includes(c) ? ' checked' : '';
      return (
        `<div class="choice"><input type="checkbox" id="optout-${c}" name="optOut-${c}" value="on"${checked}>` +
        `<label for="optout-${c}">${e(t.channels[c])}</label></div>`
      );
    })
    .join('');
  return (
    '<section class="card" aria-labelledby="prefs-title">' +
    `<details><summary><h2 id="prefs-title">${e(t.prefsTitle)}</h2></summary>` +
    `<p class="muted">${e(t.prefsIntro)}</p>` +
    `<form method="post" action="${e(m.action)}">` +
    `<label class="field" for="prefs-language">${e(t.prefsLanguage)}</label><select id="prefs-language" name="locale">${languages}</select>` +
    `<fieldset><legend>${e(t.prefsChannel)}</legend>${channels}</fieldset>` +
    `<fieldset><legend>${e(t.prefsOptOut)}</legend>${optOuts}</fieldset>` +
    `<input type="hidden" name="n" value="${m.n}"><input type="hidden" name="csrf" value="${e(m.csrf)}">` +
    `<button class="btn secondary" type="submit">${e(t.prefsSubmit)}</button></form></details></section>`
  );
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

export type SelfServiceNotice =
  | 'disputeReceived'
  | 'promiseReceived'
  | 'callbackReceived'
  | 'preferencesReceived'
  | 'badForm'
  | 'otherNeedsText'
  | 'badDate'
  | 'tooMany'
  | 'forbidden';

/** A short page after a self-service form: received, or what went wrong (with a link back to the page). */
export function selfServiceNotice(
  kind: SelfServiceNotice,
  language: Language,
  back?: string,
  creditor?: string,
  /** The promise window, formatted (badDate). */
  window?: { first: string; last: string },
): string {
  const t = selfServiceTexts(language);
  const texts: Record<SelfServiceNotice, [string, string]> = {
    disputeReceived: [t.disputeReceivedTitle, t.disputeReceivedBody],
    promiseReceived: [t.promiseReceivedTitle, t.promiseReceivedBody],
    callbackReceived: [t.callbackReceivedTitle, t.callbackReceivedBody],
    preferencesReceived: [t.prefsReceivedTitle, t.prefsReceivedBody],
    badDate: [t.badFormTitle, t.badDate(window?.first ?? '', window?.last ?? '')],
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
    ...(kind.endsWith('Received') && { success: true }),
    ...(creditor !== undefined && { creditor }),
    ...(back !== undefined && { link: { href: back, label: textsFor(language).back } }),
  });
}
