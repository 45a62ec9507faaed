/**
 * The debt's details as a PDF from the payment page (`GET /s/<token>/invoice.pdf`): a real PDF
 * (pdf-lib reads it back), its text in the debtor's language with the page's figures (the text
 * is read from the page's content stream), the plan and a promise when there are, the link on the
 * page; unknown, closed and refused tokens answer as the page does.
 */
import { inflateSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { PDFDocument, PDFRawStream, PDFArray } from 'pdf-lib';
import { beforeEach, describe, expect, it } from 'vitest';
import { signLinkToken } from '../../src/channels/tokens.js';
import { winAnsi } from '../../src/server/pages/landing/invoice.js';
import { registerLandingRoutes } from '../../src/server/routes/landing.js';
import { registerSelfServiceRoutes } from '../../src/server/routes/self-service.js';
import type { JourneyStateView } from '../../src/workflows/types.js';
import { recordingDispatcher } from '../support/fake-dispatcher.js';
import { journeyView } from '../support/journey-view.js';

const SECRET = 'invoice-test-secret-0123456789abcdef';
const WF = 'settle/INV-2026-0042';
const TOKEN = signLinkToken(SECRET, { p: 'p', w: WF, s: 'first-email', c: 'email', k: `${WF}/first-email/1` });
const NOW = Date.parse('2026-11-20T10:00:00Z');

let app: FastifyInstance;
let views: Map<string, JourneyStateView>;

beforeEach(async () => {
  views = new Map([[WF, journeyView()]]);
  app = Fastify();
  const deps = {
    secret: SECRET,
    publicUrl: 'https://pay.example.test',
    dispatcher: recordingDispatcher(),
    lookup: { view: (id: string) => Promise.resolve(views.get(id)) },
    clock: () => NOW,
  };
  await app.register(async (scope) => registerLandingRoutes(scope, deps));
  await app.register(async (scope) => registerSelfServiceRoutes(scope, deps));
  await app.ready();
  return () => app.close();
});

/** The text the PDF draws, line by line (WinAnsi strings of its content stream). */
async function pdfText(bytes: Buffer): Promise<{ doc: PDFDocument; lines: string[] }> {
  const doc = await PDFDocument.load(bytes);
  const page = doc.getPage(0);
  const contents = page.node.Contents();
  const streams = contents instanceof PDFArray ? contents.asArray().map((r) => doc.context.lookup(r)) : [contents];
  const lines: string[] = [];
  for (const s of streams) {
    if (!(s instanceof PDFRawStream)) continue;
    const raw = Buffer.from(inflateSync(Buffer.from(s.contents))).toString('latin1');
    for (const [, hex] of raw.matchAll(/<([0-9A-Fa-f]*)>\s*Tj/g)) {
      const bytesOf = Buffer.from(hex!, 'hex');
      lines.push([...bytesOf].map((b) => (b === 0x80 ? '€' : String.fromCharCode(b))).join(''));
    }
  }
  return { doc, lines };
}

async function download(): Promise<{ doc: PDFDocument; lines: string[]; headers: Record<string, unknown> }> {
  const res = await app.inject(`/s/${TOKEN}/invoice.pdf`);
  expect(res.statusCode).toBe(200);
  return { ...(await pdfText(res.rawPayload)), headers: res.headers };
}

describe('GET /s/<token>/invoice.pdf', () => {
  it('is a one-page PDF to download, in French for a French debtor, with the page’s figures', async () => {
    const { doc, lines, headers } = await download();
    expect(headers['content-type']).toBe('application/pdf');
    expect(headers['content-disposition']).toBe('attachment; filename="INV-2026-0042.pdf"');
    expect(headers['cache-control']).toBe('no-store');
    expect(doc.getPageCount()).toBe(1);
    expect(doc.getTitle()).toBe('Relevé de compte INV-2026-0042');
    expect(lines).toEqual(
      expect.arrayContaining([
        'Telco Nova',
        'Relevé de compte',
        'Solde de votre compte chez Telco Nova',
        'Pour Anna',
        'Référence',
        'INV-2026-0042',
        'Échéance',
        '1 novembre 2026',
        'Montant dû',
        '420,50 €',
        'Payez en ligne sur votre page de paiement :',
        'Émis le 20 novembre 2026.',
      ]),
    );
    expect(lines.join('')).toContain(`https://pay.example.test/p/${TOKEN}`);
  });

  it('speaks every example locale: English and Dutch', async () => {
    views.set(WF, journeyView({}, { locale: 'en' }));
    expect((await download()).lines).toEqual(expect.arrayContaining(['Statement of account', 'Amount due', '€420.50']));
    views.set(WF, journeyView({}, { locale: 'nl-BE' }));
    expect((await download()).lines).toEqual(
      expect.arrayContaining(['Rekeningoverzicht', 'Te betalen', 'Vervaldatum', '€ 420,50']),
    );
  });

  it('shows what was paid, the running plan and a promise to pay', async () => {
    views.set(
      WF,
      journeyView({
        debt: {
          reference: 'INV-2026-0042',
          amountDue: 280.34,
          currency: 'EUR',
          dueDate: '2026-11-01',
          creditor: 'Telco Nova',
        },
        amountPaid: 140.16,
        plan: {
          count: 3,
          amounts: [140.16, 140.17, 140.17],
          dueDates: ['2026-11-10', '2026-12-10', '2027-01-09'],
          paid: 1,
        },
        promises: [{ date: '2026-11-28', status: 'open', madeAt: 0 }],
      }),
    );
    const { lines } = await download();
    expect(lines).toEqual(
      expect.arrayContaining([
        'Montant facturé',
        '420,50 €',
        'Déjà réglé',
        '140,16 €',
        'Montant dû',
        '280,34 €',
        'Échéancier : 3 mensualités',
        'Mensualité 1, le 10 novembre 2026 (réglée)',
        'Mensualité 2, le 10 décembre 2026',
        'Vous vous êtes engagé à payer au plus tard le 28 novembre 2026.',
      ]),
    );
  });

  it('is linked from the payment page', async () => {
    const html = (await app.inject(`/p/${TOKEN}`)).body;
    expect(html).toContain(
      `<a class="download" href="/s/${TOKEN}/invoice.pdf" download>Télécharger le relevé (PDF)</a>`,
    );
  });

  it('answers 404 for an unknown journey or a bad token, 410 for a closed one', async () => {
    expect((await app.inject(`/s/${TOKEN}x/invoice.pdf`)).statusCode).toBe(404);
    views.set(WF, journeyView({ outcome: 'unresolved' }));
    expect((await app.inject(`/s/${TOKEN}/invoice.pdf`)).statusCode).toBe(410);
    views.delete(WF);
    expect((await app.inject(`/s/${TOKEN}/invoice.pdf`)).statusCode).toBe(404);
  });
});

describe('winAnsi', () => {
  it('keeps the accents of en, fr and nl and €, turns Intl’s spaces into spaces and the rest into ?', () => {
    expect(winAnsi('420,50\u202f€ — Échéance, één, ç')).toBe('420,50 € — Échéance, één, ç');
    expect(winAnsi('Łódź 東京')).toBe('?ód? ??');
  });
});
