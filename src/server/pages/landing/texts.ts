/**
 * What the payment pages say, in the languages debtors are written to (en, fr, nl; English for
 * any other locale). Plain strings and small functions: values are escaped by the pages.
 */
import Negotiator from 'negotiator';
import { pageLanguage } from '../html.js';

export const LANGUAGES = ['en', 'fr', 'nl'] as const;
export type Language = (typeof LANGUAGES)[number];

export interface LandingTexts {
  pageTitle: (creditor?: string) => string;
  hello: (firstName: string) => string;
  intro: (creditor?: string) => string;
  amountDue: string;
  reference: string;
  dueDate: string;
  payFull: (amount: string) => string;
  plansTitle: string;
  plansIntro: string;
  plan: (count: number, amount: string) => string;
  planNote: string;
  secure: string;
  questions: string;
  paidTitle: string;
  paidBody: string;
  thanksTitle: string;
  thanksBody: string;
  thanksNote: string;
  notFoundTitle: string;
  notFoundBody: string;
  closedTitle: string;
  closedBody: string;
  unavailableTitle: string;
  unavailableBody: string;
  paymentUnavailable: string;
  badChoiceTitle: string;
  back: string;
  /** Stripe line item: what is being paid. */
  lineItem: (reference: string, creditor?: string) => string;
  instalment: (count: number) => string;
}

const en: LandingTexts = {
  pageTitle: (c) => (c ? `Pay ${c}` : 'Your payment'),
  hello: (n) => `Hello ${n},`,
  intro: (c) => (c ? `Here is the balance of your account with ${c}.` : 'Here is the balance of your account.'),
  amountDue: 'Amount due',
  reference: 'Reference',
  dueDate: 'Due date',
  payFull: (a) => `Pay ${a} now`,
  plansTitle: 'Prefer to pay in instalments?',
  plansIntro: 'Spread the amount over monthly payments. The first one is paid today.',
  plan: (n, a) => `${n} payments of ${a}`,
  planNote: 'first payment today',
  secure: 'Secure payment on Stripe’s page. We never see your card details.',
  questions: 'A question or a problem? Just reply to our message.',
  paidTitle: 'Already paid — thank you!',
  paidBody: 'We have received your payment for this invoice. There is nothing more to do.',
  thanksTitle: 'Thank you!',
  thanksBody: 'Your payment is being processed. You will receive a confirmation shortly.',
  thanksNote: 'You can close this page.',
  notFoundTitle: 'Page not found',
  notFoundBody: 'This link does not work. Please use the link in the message we sent you.',
  closedTitle: 'This link is no longer active',
  closedBody: 'This file is closed. If you have a question, just reply to our message.',
  unavailableTitle: 'Temporarily unavailable',
  unavailableBody: 'We cannot show your payment details right now. Please try again in a few minutes.',
  paymentUnavailable: 'Online payment is not available right now. Please try again in a few minutes.',
  badChoiceTitle: 'This option is not available',
  back: 'Back to the payment page',
  lineItem: (r, c) => (c ? `${c} — invoice ${r}` : `Invoice ${r}`),
  instalment: (n) => `instalment 1 of ${n}`,
};

const fr: LandingTexts = {
  pageTitle: (c) => (c ? `Payer ${c}` : 'Votre paiement'),
  hello: (n) => `Bonjour ${n},`,
  intro: (c) => (c ? `Voici le solde de votre compte chez ${c}.` : 'Voici le solde de votre compte.'),
  amountDue: 'Montant dû',
  reference: 'Référence',
  dueDate: 'Échéance',
  payFull: (a) => `Payer ${a} maintenant`,
  plansTitle: 'Vous préférez payer en plusieurs fois ?',
  plansIntro: 'Étalez le montant en mensualités. La première est réglée aujourd’hui.',
  plan: (n, a) => `${n} mensualités de ${a}`,
  planNote: 'première mensualité aujourd’hui',
  secure: 'Paiement sécurisé sur la page de Stripe. Nous ne voyons jamais vos données de carte.',
  questions: 'Une question, un souci ? Répondez simplement à notre message.',
  paidTitle: 'Déjà payé — merci !',
  paidBody: 'Nous avons bien reçu votre paiement pour cette facture. Vous n’avez plus rien à faire.',
  thanksTitle: 'Merci !',
  thanksBody: 'Votre paiement est en cours de traitement. Vous recevrez une confirmation sous peu.',
  thanksNote: 'Vous pouvez fermer cette page.',
  notFoundTitle: 'Page introuvable',
  notFoundBody: 'Ce lien ne fonctionne pas. Utilisez le lien du message que nous vous avons envoyé.',
  closedTitle: 'Ce lien n’est plus actif',
  closedBody: 'Ce dossier est clos. Pour toute question, répondez simplement à notre message.',
  unavailableTitle: 'Momentanément indisponible',
  unavailableBody: 'Nous ne pouvons pas afficher votre paiement pour le moment. Réessayez dans quelques minutes.',
  paymentUnavailable: 'Le paiement en ligne est momentanément indisponible. Réessayez dans quelques minutes.',
  badChoiceTitle: 'Cette option n’est pas disponible',
  back: 'Retour à la page de paiement',
  lineItem: (r, c) => (c ? `${c} — facture ${r}` : `Facture ${r}`),
  instalment: (n) => `mensualité 1 sur ${n}`,
};

const nl: LandingTexts = {
  pageTitle: (c) => (c ? `Betalen aan ${c}` : 'Uw betaling'),
  hello: (n) => `Hallo ${n},`,
  intro: (c) =>
    c ? `Dit is het openstaande saldo van uw rekening bij ${c}.` : 'Dit is het openstaande saldo van uw rekening.',
  amountDue: 'Te betalen',
  reference: 'Referentie',
  dueDate: 'Vervaldatum',
  payFull: (a) => `Betaal nu ${a}`,
  plansTitle: 'Liever in termijnen betalen?',
  plansIntro: 'Spreid het bedrag over maandelijkse termijnen. De eerste betaalt u vandaag.',
  plan: (n, a) => `${n} termijnen van ${a}`,
  planNote: 'eerste termijn vandaag',
  secure: 'Veilig betalen op de pagina van Stripe. Wij zien uw kaartgegevens nooit.',
  questions: 'Een vraag of een probleem? Beantwoord gewoon ons bericht.',
  paidTitle: 'Al betaald — bedankt!',
  paidBody: 'We hebben uw betaling voor deze factuur ontvangen. U hoeft niets meer te doen.',
  thanksTitle: 'Bedankt!',
  thanksBody: 'Uw betaling wordt verwerkt. U ontvangt binnenkort een bevestiging.',
  thanksNote: 'U kunt deze pagina sluiten.',
  notFoundTitle: 'Pagina niet gevonden',
  notFoundBody: 'Deze link werkt niet. Gebruik de link in het bericht dat we u stuurden.',
  closedTitle: 'Deze link is niet meer actief',
  closedBody: 'Dit dossier is afgesloten. Hebt u een vraag? Beantwoord gewoon ons bericht.',
  unavailableTitle: 'Tijdelijk niet beschikbaar',
  unavailableBody: 'We kunnen uw betaalgegevens nu niet tonen. Probeer het over een paar minuten opnieuw.',
  paymentUnavailable: 'Online betalen is nu niet mogelijk. Probeer het over een paar minuten opnieuw.',
  badChoiceTitle: 'Deze keuze is niet beschikbaar',
  back: 'Terug naar de betaalpagina',
  lineItem: (r, c) => (c ? `${c} — factuur ${r}` : `Factuur ${r}`),
  instalment: (n) => `termijn 1 van ${n}`,
};

const TEXTS: Record<Language, LandingTexts> = { en, fr, nl };

export function textsFor(language: Language): LandingTexts {
  return TEXTS[language];
}

/** The page language for a debtor locale ("fr-BE" → fr), English when not one of ours. */
export function languageOf(locale: string | undefined): Language {
  return pageLanguage(locale, LANGUAGES, 'en');
}

/** The first of our languages an Accept-Language header asks for (pages that know no debtor). */
export function languageFromHeader(header: string | undefined): Language {
  // negotiator: q-values, wildcards and regional tags ("fr-BE" asks for fr) as HTTP defines them.
  const ours = new Negotiator({ headers: { 'accept-language': header ?? '' } }).language([...LANGUAGES]);
  return (ours as Language | undefined) ?? 'en';
}
