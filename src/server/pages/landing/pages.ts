/**
 * The payment pages as plain template functions: the landing page (amount due, pay in full,
 * payment-plan choices), "already paid", the thank-you page after Stripe, and the friendly
 * error pages. Every value from a journey goes through escapeHtml. The pay buttons are plain
 * form submissions: the page needs no JavaScript.
 */
import { escapeHtml } from '../../../templates/escape.js';
import { page, TEST_LINK_NOTICE, testLinkBanner } from '../html.js';
import { formatDueDate, formatMoney } from './locale-format.js';
import { CHECK_ICON, LANDING_CSS, LOCK_ICON } from './layout.js';
import { textsFor, type Language } from './texts.js';

export interface LandingModel {
  language: Language;
  /** Intl locale for amounts and dates. */
  locale: string;
  firstName: string;
  creditor?: string;
  reference: string;
  amountDue: number;
  currency: string;
  dueDate: string;
  /** Payment plans on offer: instalment count and the amount of each. */
  plans: { count: number; amount: number }[];
  /** Where the pay buttons post (`…/p/<token>/checkout`). */
  checkoutAction: string;
  /** Trusted HTML after the payment choices: the self-service forms (src/server/pages/landing/self-service.ts). */
  extra?: string;
}

const e = escapeHtml;

function planChoices(m: LandingModel): string {
  if (m.plans.length === 0) return '';
  const t = textsFor(m.language);
  const buttons = m.plans
    .map(
      (p) =>
        `<li><button class="btn secondary" type="submit" name="plan" value="${p.count}">` +
        `${e(t.plan(p.count, formatMoney(p.amount, m.currency, m.locale)))}<small>${e(t.planNote)}</small></button></li>`,
    )
    .join('');
  return (
    '<section class="card" aria-labelledby="plans-title">' +
    `<h2 id="plans-title">${e(t.plansTitle)}</h2><p class="muted">${e(t.plansIntro)}</p>` +
    `<form method="post" action="${e(m.checkoutAction)}"><ul class="plans">${buttons}</ul></form>` +
    '</section>'
  );
}

export function landingPage(m: LandingModel): string {
  const t = textsFor(m.language);
  const amount = formatMoney(m.amountDue, m.currency, m.locale);
  const body =
    `<h1>${e(t.hello(m.firstName))}</h1><p class="lead">${e(t.intro(m.creditor))}</p>` +
    '<section class="card" aria-labelledby="due-title">' +
    `<h2 id="due-title" class="label">${e(t.amountDue)}</h2><p class="amount">${e(amount)}</p>` +
    `<dl><dt>${e(t.reference)}</dt><dd>${e(m.reference)}</dd>` +
    `<dt>${e(t.dueDate)}</dt><dd>${e(formatDueDate(m.dueDate, m.locale))}</dd></dl>` +
    `<form method="post" action="${e(m.checkoutAction)}">` +
    `<button class="btn primary" type="submit" name="plan" value="full">${e(t.payFull(amount))}</button></form>` +
    `<p class="muted secure">${LOCK_ICON}<span>${e(t.secure)}</span></p>` +
    '</section>' +
    planChoices(m) +
    (m.extra ?? '');
  return page({
    css: LANDING_CSS,
    lang: m.language,
    title: t.pageTitle(m.creditor),
    ...(m.creditor && { brand: m.creditor }),
    body,
    footer: t.questions,
  });
}

export interface NoticeOptions {
  language: Language;
  creditor?: string;
  title: string;
  message: string;
  /** A check mark above the title (paid, thanks). */
  success?: boolean;
  /** Optional link back (e.g. to the payment page) with its label. */
  link?: { href: string; label: string };
}

/** A short page with one message: already paid, thank you, errors. */
export function noticePage(o: NoticeOptions): string {
  const t = textsFor(o.language);
  const link = o.link ? `<p><a class="btn secondary" href="${e(o.link.href)}">${e(o.link.label)}</a></p>` : '';
  const body =
    `<section class="card notice"${o.success ? ' role="status"' : ''}>${o.success ? CHECK_ICON : ''}` +
    `<h1>${e(o.title)}</h1><p>${e(o.message)}</p>${link}</section>`;
  return page({
    css: LANDING_CSS,
    lang: o.language,
    title: o.title,
    ...(o.creditor && { brand: o.creditor }),
    body,
    footer: t.questions,
  });
}

export function paidPage(language: Language, creditor?: string): string {
  const t = textsFor(language);
  return noticePage({
    language,
    ...(creditor && { creditor }),
    title: t.paidTitle,
    message: t.paidBody,
    success: true,
  });
}

export function thanksPage(language: Language, creditor?: string): string {
  const t = textsFor(language);
  return noticePage({
    language,
    ...(creditor && { creditor }),
    title: t.thanksTitle,
    message: `${t.thanksBody} ${t.thanksNote}`,
    success: true,
  });
}

/**
 * The payment page of a test link (TEST_LINK, `settle render --send-to`): in English, for the
 * reviewer; no journey is looked up and the page has no pay button, so no Stripe session is made.
 */
export function testLinkPage(): string {
  const body =
    testLinkBanner() +
    '<section class="card notice"><h1>Payment page</h1>' +
    '<p>A debtor opening this link sees the amount due in their language, with a button to pay in full and the payment plans their journey offers; the button opens a Stripe Checkout session.</p>' +
    '<p class="muted">A test send has no journey behind it: no amount is shown, no visit is recorded and no payment can start.</p></section>';
  return page({ css: LANDING_CSS, lang: 'en', title: TEST_LINK_NOTICE, body });
}

export type ErrorKind = 'notFound' | 'closed' | 'unavailable' | 'paymentUnavailable' | 'badChoice';

/** A friendly error page; says what the visitor can do, never why a token was refused. */
export function errorPage(kind: ErrorKind, language: Language, back?: string): string {
  const t = textsFor(language);
  const texts: Record<ErrorKind, [string, string]> = {
    notFound: [t.notFoundTitle, t.notFoundBody],
    closed: [t.closedTitle, t.closedBody],
    unavailable: [t.unavailableTitle, t.unavailableBody],
    paymentUnavailable: [t.unavailableTitle, t.paymentUnavailable],
    badChoice: [t.badChoiceTitle, t.questions],
  };
  const [title, message] = texts[kind];
  return noticePage({ language, title, message, ...(back !== undefined && { link: { href: back, label: t.back } }) });
}
