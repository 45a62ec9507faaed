/**
 * What the payment page's self-service forms say (promise to pay, call-back, preferences, dispute), in the page's languages (en, fr, nl).
 * Plain strings and small functions: values are escaped by the pages.
 */
import type { CallbackSlot, DisputeReason } from '../../../ir/index.js';
import type { Language } from './texts.js';

export interface SelfServiceTexts {
  invoiceLink: string;
  invoiceNote: string;
  callbackTitle: string;
  callbackIntro: (zone: string) => string;
  callbackDay: string;
  callbackSlot: string;
  slots: Record<CallbackSlot, string>;
  callbackSubmit: string;
  callbackAskedTitle: string;
  callbackAskedBody: (date: string, slot: string) => string;
  callbackReceivedTitle: string;
  callbackReceivedBody: string;
  prefsTitle: string;
  prefsIntro: string;
  prefsLanguage: string;
  prefsChannel: string;
  channels: Record<'email' | 'sms' | 'none', string>;
  prefsOptOut: string;
  prefsSubmit: string;
  prefsReceivedTitle: string;
  prefsReceivedBody: string;
  promiseTitle: string;
  promiseIntro: (maxDays: number) => string;
  promiseDate: string;
  promiseHint: (first: string, last: string) => string;
  promiseSubmit: string;
  promiseOpenTitle: string;
  promiseOpenBody: (date: string) => string;
  promiseReceivedTitle: string;
  promiseReceivedBody: string;
  badDate: (first: string, last: string) => string;
  disputeTitle: string;
  disputeIntro: string;
  disputeReason: string;
  reasons: Record<DisputeReason, string>;
  disputeDetails: (max: number) => string;
  disputeDetailsHint: string;
  disputeSubmit: string;
  disputeOpenTitle: string;
  disputeOpenBody: (reason: string, date: string) => string;
  disputeReceivedTitle: string;
  disputeReceivedBody: string;
  badFormTitle: string;
  badFormBody: string;
  otherNeedsText: string;
  tooManyTitle: string;
  tooManyBody: string;
  forbiddenTitle: string;
  forbiddenBody: string;
}

const en: SelfServiceTexts = {
  invoiceLink: 'Download the statement (PDF)',
  invoiceNote: 'amounts, dates and where to pay.',
  callbackTitle: 'Rather talk to someone?',
  callbackIntro: (z) => `Choose when we may call you (times in your time zone, ${z}).`,
  callbackDay: 'Day',
  callbackSlot: 'Time of day',
  slots: { morning: 'Morning (9:00–12:00)', afternoon: 'Afternoon (12:00–17:00)', evening: 'Evening (17:00–20:00)' },
  callbackSubmit: 'Ask for a call',
  callbackAskedTitle: 'We will call you',
  callbackAskedBody: (d, s) => `You asked for a call on ${d}, ${s.toLowerCase()}.`,
  callbackReceivedTitle: 'Call-back requested',
  callbackReceivedBody: 'Thank you. Someone from our team will call you at the time you chose.',
  prefsTitle: 'How should we contact you?',
  prefsIntro: 'Our next messages follow your choices.',
  prefsLanguage: 'Language of our messages',
  prefsChannel: 'Preferred channel',
  channels: { email: 'Email', sms: 'Text message (SMS)', none: 'No preference' },
  prefsOptOut: 'Do not contact me by',
  prefsSubmit: 'Save my preferences',
  prefsReceivedTitle: 'Preferences saved',
  prefsReceivedBody: 'Thank you. Our next messages follow your choices.',
  promiseTitle: 'Need a few more days?',
  promiseIntro: (n) => `Tell us when you will pay (within ${n} days). We will not send reminders until then.`,
  promiseDate: 'I will pay by',
  promiseHint: (a, b) => `A date from ${a} to ${b}.`,
  promiseSubmit: 'Promise to pay by this date',
  promiseOpenTitle: 'Your promise to pay',
  promiseOpenBody: (d) => `You promised to pay by ${d}. We will remind you the day before.`,
  promiseReceivedTitle: 'Promise recorded',
  promiseReceivedBody: 'Thank you. We will not send reminders until the date you chose.',
  badDate: (a, b) => `Choose a date from ${a} to ${b}.`,
  disputeTitle: 'Something wrong with this bill?',
  disputeIntro: 'Tell us why. We stop all reminders while someone looks into it.',
  disputeReason: 'Why do you dispute it?',
  reasons: {
    alreadyPaid: 'I have already paid',
    notMine: 'This is not my debt',
    wrongAmount: 'The amount is wrong',
    notReceived: 'I did not receive what I am billed for',
    other: 'Another reason',
  },
  disputeDetails: (max) => `Details (up to ${max} characters)`,
  disputeDetailsHint: 'Required for “Another reason”.',
  disputeSubmit: 'Send my dispute',
  disputeOpenTitle: 'Your dispute is being reviewed',
  disputeOpenBody: (r, d) => `Reason: ${r}. Received on ${d}. We send no reminders until it is settled.`,
  disputeReceivedTitle: 'Dispute received',
  disputeReceivedBody: 'Thank you. Someone will look into it; we send no reminders meanwhile.',
  badFormTitle: 'Please check the form',
  badFormBody: 'Choose a reason; for “Another reason”, tell us more in the details.',
  otherNeedsText: 'Tell us more in the details.',
  tooManyTitle: 'Too many attempts',
  tooManyBody: 'Please wait a few minutes and try again.',
  forbiddenTitle: 'This form has expired',
  forbiddenBody: 'Please open the link in our message again and send the form from there.',
};

const fr: SelfServiceTexts = {
  invoiceLink: 'Télécharger le relevé (PDF)',
  invoiceNote: 'montants, dates et moyen de paiement.',
  callbackTitle: 'Vous préférez en parler ?',
  callbackIntro: (z) => `Choisissez quand nous pouvons vous appeler (heures de votre fuseau, ${z}).`,
  callbackDay: 'Jour',
  callbackSlot: 'Moment de la journée',
  slots: { morning: 'Matin (9 h – 12 h)', afternoon: 'Après-midi (12 h – 17 h)', evening: 'Soir (17 h – 20 h)' },
  callbackSubmit: 'Demander un appel',
  callbackAskedTitle: 'Nous vous appellerons',
  callbackAskedBody: (d, s) => `Vous avez demandé un appel le ${d}, ${s.toLowerCase()}.`,
  callbackReceivedTitle: 'Demande d’appel enregistrée',
  callbackReceivedBody: 'Merci. Un conseiller vous appellera au moment choisi.',
  prefsTitle: 'Comment souhaitez-vous être contacté ?',
  prefsIntro: 'Nos prochains messages suivront vos choix.',
  prefsLanguage: 'Langue de nos messages',
  prefsChannel: 'Canal préféré',
  channels: { email: 'E-mail', sms: 'SMS', none: 'Pas de préférence' },
  prefsOptOut: 'Ne plus me contacter par',
  prefsSubmit: 'Enregistrer mes préférences',
  prefsReceivedTitle: 'Préférences enregistrées',
  prefsReceivedBody: 'Merci. Nos prochains messages suivront vos choix.',
  promiseTitle: 'Besoin de quelques jours ?',
  promiseIntro: (n) => `Dites-nous quand vous paierez (sous ${n} jours). Nous ne vous relancerons pas d’ici là.`,
  promiseDate: 'Je paierai au plus tard le',
  promiseHint: (a, b) => `Une date du ${a} au ${b}.`,
  promiseSubmit: 'M’engager à payer à cette date',
  promiseOpenTitle: 'Votre engagement de paiement',
  promiseOpenBody: (d) => `Vous vous êtes engagé à payer au plus tard le ${d}. Nous vous le rappellerons la veille.`,
  promiseReceivedTitle: 'Engagement enregistré',
  promiseReceivedBody: 'Merci. Nous ne vous relancerons pas avant la date choisie.',
  badDate: (a, b) => `Choisissez une date du ${a} au ${b}.`,
  disputeTitle: 'Un problème avec cette facture ?',
  disputeIntro: 'Dites-nous pourquoi. Nous suspendons toutes les relances pendant l’examen.',
  disputeReason: 'Pourquoi la contestez-vous ?',
  reasons: {
    alreadyPaid: 'J’ai déjà payé',
    notMine: 'Cette dette n’est pas la mienne',
    wrongAmount: 'Le montant est erroné',
    notReceived: 'Je n’ai pas reçu ce qui m’est facturé',
    other: 'Une autre raison',
  },
  disputeDetails: (max) => `Précisions (${max} caractères au plus)`,
  disputeDetailsHint: 'Obligatoire pour « Une autre raison ».',
  disputeSubmit: 'Envoyer ma contestation',
  disputeOpenTitle: 'Votre contestation est en cours d’examen',
  disputeOpenBody: (r, d) => `Motif : ${r}. Reçue le ${d}. Aucune relance ne vous sera envoyée d’ici là.`,
  disputeReceivedTitle: 'Contestation reçue',
  disputeReceivedBody: 'Merci. Quelqu’un va l’examiner ; aucune relance ne vous sera envoyée d’ici là.',
  badFormTitle: 'Vérifiez le formulaire',
  badFormBody: 'Choisissez un motif ; pour « Une autre raison », précisez-le.',
  otherNeedsText: 'Précisez le motif.',
  tooManyTitle: 'Trop de tentatives',
  tooManyBody: 'Patientez quelques minutes puis réessayez.',
  forbiddenTitle: 'Ce formulaire a expiré',
  forbiddenBody: 'Ouvrez à nouveau le lien de notre message et envoyez le formulaire depuis cette page.',
};

const nl: SelfServiceTexts = {
  invoiceLink: 'Overzicht downloaden (pdf)',
  invoiceNote: 'bedragen, data en waar u betaalt.',
  callbackTitle: 'Liever iemand spreken?',
  callbackIntro: (z) => `Kies wanneer we u mogen bellen (tijden in uw tijdzone, ${z}).`,
  callbackDay: 'Dag',
  callbackSlot: 'Tijdstip',
  slots: { morning: 'Ochtend (9:00–12:00)', afternoon: 'Middag (12:00–17:00)', evening: 'Avond (17:00–20:00)' },
  callbackSubmit: 'Vraag een telefoontje aan',
  callbackAskedTitle: 'We bellen u',
  callbackAskedBody: (d, s) => `U vroeg om een telefoontje op ${d}, ${s.toLowerCase()}.`,
  callbackReceivedTitle: 'Terugbelverzoek ontvangen',
  callbackReceivedBody: 'Bedankt. Iemand van ons team belt u op het gekozen tijdstip.',
  prefsTitle: 'Hoe wilt u dat we contact opnemen?',
  prefsIntro: 'Onze volgende berichten volgen uw keuzes.',
  prefsLanguage: 'Taal van onze berichten',
  prefsChannel: 'Voorkeurskanaal',
  channels: { email: 'E-mail', sms: 'Sms', none: 'Geen voorkeur' },
  prefsOptOut: 'Neem geen contact met mij op via',
  prefsSubmit: 'Voorkeuren opslaan',
  prefsReceivedTitle: 'Voorkeuren opgeslagen',
  prefsReceivedBody: 'Bedankt. Onze volgende berichten volgen uw keuzes.',
  promiseTitle: 'Hebt u een paar dagen nodig?',
  promiseIntro: (n) => `Laat ons weten wanneer u betaalt (binnen ${n} dagen). Tot dan sturen we geen herinneringen.`,
  promiseDate: 'Ik betaal uiterlijk op',
  promiseHint: (a, b) => `Een datum van ${a} tot ${b}.`,
  promiseSubmit: 'Beloven om op deze datum te betalen',
  promiseOpenTitle: 'Uw betaalbelofte',
  promiseOpenBody: (d) => `U beloofde uiterlijk op ${d} te betalen. We herinneren u de dag ervoor.`,
  promiseReceivedTitle: 'Belofte vastgelegd',
  promiseReceivedBody: 'Bedankt. Tot de gekozen datum sturen we geen herinneringen.',
  badDate: (a, b) => `Kies een datum van ${a} tot ${b}.`,
  disputeTitle: 'Klopt er iets niet met deze factuur?',
  disputeIntro: 'Laat ons weten waarom. We sturen geen herinneringen zolang we het bekijken.',
  disputeReason: 'Waarom betwist u deze factuur?',
  reasons: {
    alreadyPaid: 'Ik heb al betaald',
    notMine: 'Dit is niet mijn schuld',
    wrongAmount: 'Het bedrag klopt niet',
    notReceived: 'Ik heb niet ontvangen waarvoor ik betaal',
    other: 'Een andere reden',
  },
  disputeDetails: (max) => `Toelichting (maximaal ${max} tekens)`,
  disputeDetailsHint: 'Verplicht bij „Een andere reden”.',
  disputeSubmit: 'Betwisting versturen',
  disputeOpenTitle: 'Uw betwisting wordt bekeken',
  disputeOpenBody: (r, d) => `Reden: ${r}. Ontvangen op ${d}. Tot die tijd sturen we geen herinneringen.`,
  disputeReceivedTitle: 'Betwisting ontvangen',
  disputeReceivedBody: 'Bedankt. Iemand bekijkt het; tot die tijd sturen we geen herinneringen.',
  badFormTitle: 'Controleer het formulier',
  badFormBody: 'Kies een reden; licht „Een andere reden” toe.',
  otherNeedsText: 'Licht de reden toe.',
  tooManyTitle: 'Te veel pogingen',
  tooManyBody: 'Wacht een paar minuten en probeer het opnieuw.',
  forbiddenTitle: 'Dit formulier is verlopen',
  forbiddenBody: 'Open de link in ons bericht opnieuw en verstuur het formulier vanaf die pagina.',
};

const TEXTS: Record<Language, SelfServiceTexts> = { en, fr, nl };

export function selfServiceTexts(language: Language): SelfServiceTexts {
  return TEXTS[language];
}

/** Languages by their own name (the preferences form); others by their code. */
export const LANGUAGE_NAMES: Readonly<Record<string, string>> = {
  en: 'English',
  fr: 'Français',
  nl: 'Nederlands',
  de: 'Deutsch',
  es: 'Español',
  it: 'Italiano',
};
