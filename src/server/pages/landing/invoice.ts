/**
 * The debt's details as a PDF the debtor downloads from the payment page (`GET /s/<token>/invoice.pdf`),
 * in their language (en, fr, nl; amounts and dates formatted as on the page): creditor, reference,
 * the amounts (original, paid, still due), the due date, a running payment plan and a promise to
 * pay, and where to pay. Built with pdf-lib and its standard Helvetica (no font file to ship):
 * text is written in WinAnsi, so the narrow no-break spaces Intl puts in amounts become spaces
 * and anything else outside it a question mark.
 */
import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import type { JourneyStateView } from '../../../workflows/types.js';
import { formatDueDate, formatLocale, formatMoney } from './locale-format.js';
import { languageOf, type Language } from './texts.js';

interface InvoiceTexts {
  title: string;
  statement: (creditor?: string) => string;
  to: (name: string) => string;
  reference: string;
  dueDate: string;
  original: string;
  paid: string;
  stillDue: string;
  plan: (count: number) => string;
  instalment: (i: number, date: string) => string;
  paidMark: string;
  promise: (date: string) => string;
  payAt: string;
  issued: (date: string) => string;
}

const TEXTS: Record<Language, InvoiceTexts> = {
  en: {
    title: 'Statement of account',
    statement: (c) => (c ? `Balance of your account with ${c}` : 'Balance of your account'),
    to: (n) => `For ${n}`,
    reference: 'Reference',
    dueDate: 'Due date',
    original: 'Amount billed',
    paid: 'Paid so far',
    stillDue: 'Amount due',
    plan: (n) => `Payment plan: ${n} instalments`,
    instalment: (i, d) => `Instalment ${i}, due ${d}`,
    paidMark: 'paid',
    promise: (d) => `You promised to pay by ${d}.`,
    payAt: 'Pay online on your payment page:',
    issued: (d) => `Issued on ${d}.`,
  },
  fr: {
    title: 'Relevé de compte',
    statement: (c) => (c ? `Solde de votre compte chez ${c}` : 'Solde de votre compte'),
    to: (n) => `Pour ${n}`,
    reference: 'Référence',
    dueDate: 'Échéance',
    original: 'Montant facturé',
    paid: 'Déjà réglé',
    stillDue: 'Montant dû',
    plan: (n) => `Échéancier : ${n} mensualités`,
    instalment: (i, d) => `Mensualité ${i}, le ${d}`,
    paidMark: 'réglée',
    promise: (d) => `Vous vous êtes engagé à payer au plus tard le ${d}.`,
    payAt: 'Payez en ligne sur votre page de paiement :',
    issued: (d) => `Émis le ${d}.`,
  },
  nl: {
    title: 'Rekeningoverzicht',
    statement: (c) => (c ? `Saldo van uw rekening bij ${c}` : 'Saldo van uw rekening'),
    to: (n) => `Voor ${n}`,
    reference: 'Referentie',
    dueDate: 'Vervaldatum',
    original: 'Gefactureerd bedrag',
    paid: 'Al betaald',
    stillDue: 'Te betalen',
    plan: (n) => `Betalingsregeling: ${n} termijnen`,
    instalment: (i, d) => `Termijn ${i}, op ${d}`,
    paidMark: 'betaald',
    promise: (d) => `U beloofde uiterlijk op ${d} te betalen.`,
    payAt: 'Betaal online op uw betaalpagina:',
    issued: (d) => `Opgemaakt op ${d}.`,
  },
};

/** WinAnsi has the accents of en, fr and nl, and €; Intl's spaces and anything else do not survive. */
export function winAnsi(text: string): string {
  return text
    .replace(/[\u00a0\u202f\u2009]/g, ' ')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/[^\u0020-\u007e\u00a0-\u00ff\u20ac\u2013\u2014\u2026]/g, '?');
}

export interface InvoiceOptions {
  /** Where the debtor pays (the payment page's public URL). */
  payUrl: string;
  /** Today, in the debtor's zone (YYYY-MM-DD). */
  today: string;
}

/** The PDF of a journey's debt, in the debtor's language. */
export async function invoicePdf(view: JourneyStateView, o: InvoiceOptions): Promise<Uint8Array> {
  const language = languageOf(view.debtor.locale);
  const locale = formatLocale(view.debtor.locale, language);
  const t = TEXTS[language];
  const money = (n: number) => formatMoney(n, view.debt.currency, locale);
  const date = (d: string) => formatDueDate(d, locale);

  const doc = await PDFDocument.create();
  doc.setTitle(winAnsi(`${t.title} ${view.debt.reference}`));
  doc.setLanguage(language);
  if (view.debt.creditor) doc.setAuthor(winAnsi(view.debt.creditor));
  doc.setProducer('Settle');
  doc.setCreator('Settle');
  // Reproducible bytes: the dates of the document are the day it describes.
  const day = new Date(`${o.today}T00:00:00Z`);
  doc.setCreationDate(day);
  doc.setModificationDate(day);
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const page = doc.addPage([595.28, 841.89]); // A4
  const w = new Writer(page, regular, bold);

  if (view.debt.creditor) w.line(view.debt.creditor, { size: 11, font: 'bold', color: 0.35 });
  w.line(t.title, { size: 22, font: 'bold', gap: 6 });
  w.line(t.statement(view.debt.creditor), { size: 12, gap: 18 });
  w.line(t.to(view.debtor.firstName), { size: 11, gap: 14 });

  const paid = view.amountPaid ?? 0;
  w.row(t.reference, view.debt.reference);
  w.row(t.dueDate, date(view.debt.dueDate));
  if (paid > 0) {
    w.row(t.original, money(view.debt.amountDue + paid));
    w.row(t.paid, money(paid));
  }
  w.rule();
  w.row(t.stillDue, money(view.debt.amountDue), { size: 16, bold: true, gap: 20 });

  const plan = view.plan;
  if (plan !== undefined && !plan.broken) {
    w.line(t.plan(plan.count), { size: 12, font: 'bold', gap: 6 });
    plan.amounts.forEach((amount, i) => {
      const mark = i < plan.paid ? ` (${t.paidMark})` : '';
      w.row(t.instalment(i + 1, date(plan.dueDates[i]!)) + mark, money(amount), { size: 10 });
    });
    w.space(10);
  }
  const promise = view.promises?.find((p) => p.status === 'open');
  if (promise !== undefined) w.line(t.promise(date(promise.date)), { size: 11, gap: 14 });

  w.line(t.payAt, { size: 11 });
  w.line(o.payUrl, { size: 8, color: 0.2, gap: 18, wrap: true });
  w.line(t.issued(date(o.today)), { size: 9, color: 0.35 });
  return doc.save();
}

/** Lines from the top of an A4 page, left margin 56 pt. */
class Writer {
  private y = 841.89 - 64;
  private readonly left = 56;
  private readonly right = 595.28 - 56;

  constructor(
    private readonly page: PDFPage,
    private readonly regular: PDFFont,
    private readonly bold: PDFFont,
  ) {}

  line(text: string, o: { size?: number; font?: 'bold'; color?: number; gap?: number; wrap?: boolean } = {}): void {
    const size = o.size ?? 11;
    const font = o.font === 'bold' ? this.bold : this.regular;
    const grey = o.color ?? 0.1;
    const parts = o.wrap ? this.cut(winAnsi(text), font, size) : [winAnsi(text)];
    for (const part of parts) {
      this.y -= size * 1.3;
      this.page.drawText(part, { x: this.left, y: this.y, size, font, color: rgb(grey, grey, grey) });
    }
    this.y -= o.gap ?? 4;
  }

  row(label: string, value: string, o: { size?: number; bold?: boolean; gap?: number } = {}): void {
    const size = o.size ?? 11;
    const font = o.bold ? this.bold : this.regular;
    this.y -= size * 1.4;
    const v = winAnsi(value);
    this.page.drawText(winAnsi(label), { x: this.left, y: this.y, size, font, color: rgb(0.25, 0.25, 0.25) });
    this.page.drawText(v, {
      x: this.right - font.widthOfTextAtSize(v, size),
      y: this.y,
      size,
      font: o.bold ? this.bold : this.regular,
      color: rgb(0.05, 0.05, 0.05),
    });
    this.y -= o.gap ?? 4;
  }

  rule(): void {
    this.y -= 6;
    this.page.drawLine({
      start: { x: this.left, y: this.y },
      end: { x: this.right, y: this.y },
      thickness: 0.75,
      color: rgb(0.6, 0.6, 0.6),
    });
  }

  space(pt: number): void {
    this.y -= pt;
  }

  /** A long URL cut to the page's width. */
  private cut(text: string, font: PDFFont, size: number): string[] {
    const out: string[] = [];
    let rest = text;
    while (rest.length > 0) {
      let n = rest.length;
      while (n > 1 && font.widthOfTextAtSize(rest.slice(0, n), size) > this.right - this.left) n--;
      out.push(rest.slice(0, n));
      rest = rest.slice(n);
    }
    return out;
  }
}
