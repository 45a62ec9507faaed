/**
 * The opt-out pages (GET shows a confirmation with a button, POST confirms): in the debtor's
 * language when the link says it, English otherwise. The GET page changes nothing — link
 * scanners fetch every link of a message — only the form's POST (or a mail client's RFC 8058
 * one-click POST) unsubscribes.
 */
import { escapeHtml } from '../../templates/escape.js';
import { page, pageLanguage, testLinkBanner } from './html.js';

interface Texts {
  title: string;
  ask: (what: string) => string;
  button: string;
  doneTitle: string;
  done: (what: string) => string;
  email: string;
  sms: string;
}

const TEXTS = {
  en: {
    title: 'Unsubscribe',
    ask: (what) => `Do you want to stop receiving these ${what} about your payment?`,
    button: 'Unsubscribe',
    doneTitle: 'You are unsubscribed',
    done: (what) => `You will not receive these ${what} any more.`,
    email: 'emails',
    sms: 'text messages',
  },
  fr: {
    title: 'Se désabonner',
    ask: (what) => `Voulez-vous ne plus recevoir ces ${what} concernant votre paiement ?`,
    button: 'Me désabonner',
    doneTitle: 'Désabonnement confirmé',
    done: (what) => `Vous ne recevrez plus ces ${what}.`,
    email: 'e-mails',
    sms: 'SMS',
  },
  de: {
    title: 'Abmelden',
    ask: (what) => `Möchten Sie keine ${what} zu Ihrer Zahlung mehr erhalten?`,
    button: 'Abmelden',
    doneTitle: 'Sie sind abgemeldet',
    done: (what) => `Sie erhalten diese ${what} nicht mehr.`,
    email: 'E-Mails',
    sms: 'SMS',
  },
  es: {
    title: 'Darse de baja',
    ask: (what) => `¿Quiere dejar de recibir estos ${what} sobre su pago?`,
    button: 'Darme de baja',
    doneTitle: 'Se ha dado de baja',
    done: (what) => `Ya no recibirá estos ${what}.`,
    email: 'correos electrónicos',
    sms: 'SMS',
  },
  it: {
    title: 'Annulla iscrizione',
    ask: (what) => `Non vuole più ricevere questi ${what} sul suo pagamento?`,
    button: 'Annulla iscrizione',
    doneTitle: 'Iscrizione annullata',
    done: (what) => `Non riceverà più questi ${what}.`,
    email: 'messaggi e-mail',
    sms: 'SMS',
  },
  nl: {
    title: 'Afmelden',
    ask: (what) => `Wilt u deze ${what} over uw betaling niet meer ontvangen?`,
    button: 'Afmelden',
    doneTitle: 'U bent afgemeld',
    done: (what) => `U ontvangt deze ${what} niet meer.`,
    email: 'e-mails',
    sms: 'sms-berichten',
  },
} satisfies Record<string, Texts>;

type Language = keyof typeof TEXTS;
const LANGUAGES = Object.keys(TEXTS) as Language[];

function texts(locale: string | undefined): { lang: Language; t: Texts } {
  const lang = pageLanguage(locale, LANGUAGES, 'en');
  return { lang, t: TEXTS[lang] };
}

/** The confirmation page: one question, one button posting to the same address (`test`: a test link's, with its banner). */
export function optOutConfirmPage(locale: string | undefined, channel: 'email' | 'sms', test = false): string {
  const { lang, t } = texts(locale);
  const body = `${test ? testLinkBanner() : ''}<h1>${escapeHtml(t.title)}</h1><p>${escapeHtml(t.ask(t[channel]))}</p><form method="post"><input type="hidden" name="confirm" value="1"><button type="submit">${escapeHtml(t.button)}</button></form>`;
  return page({ lang, title: t.title, body });
}

export function optOutDonePage(locale: string | undefined, channel: 'email' | 'sms', test = false): string {
  const { lang, t } = texts(locale);
  const body = `${test ? testLinkBanner() : ''}<h1 role="status">${escapeHtml(t.doneTitle)}</h1><p>${escapeHtml(t.done(t[channel]))}</p>`;
  return page({ lang, title: t.doneTitle, body });
}
