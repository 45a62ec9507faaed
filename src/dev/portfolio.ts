/**
 * The demo's synthetic portfolio: a few hundred debts with realistic names, amounts, locales and
 * time zones, spread over due dates so that every example segment gets debts. Deterministic per
 * seed. Addresses use reserved example domains and non-attributed number ranges.
 */
import type { EnrollmentData } from '../ir/index.js';
import { pick, seeded, type Rng } from '../core/random.js';

interface Country {
  code: string;
  locale: string;
  currency: string;
  timezones: string[];
  phone: (rng: Rng) => string;
  first: string[];
  last: string[];
  creditors: string[];
}

const digits = (rng: Rng, n: number) => Array.from({ length: n }, () => Math.floor(rng() * 10)).join('');

const COUNTRIES: Country[] = [
  {
    code: 'FR',
    locale: 'fr',
    currency: 'EUR',
    timezones: ['Europe/Paris'],
    phone: (r) => `+3361${digits(r, 7)}`,
    first: ['Anna', 'Camille', 'Louis', 'Léa', 'Hugo', 'Chloé', 'Lucas', 'Manon', 'Jules', 'Inès', 'Arthur', 'Zoé'],
    last: [
      'Rossi',
      'Martin',
      'Bernard',
      'Dubois',
      'Thomas',
      'Robert',
      'Petit',
      'Durand',
      'Leroy',
      'Moreau',
      'Fournier',
    ],
    creditors: ['Telco Nova', 'EnerVert', 'Assurances Lumière'],
  },
  {
    code: 'NL',
    locale: 'nl',
    currency: 'EUR',
    timezones: ['Europe/Amsterdam'],
    phone: (r) => `+3161${digits(r, 7)}`,
    first: ['Jan', 'Sanne', 'Daan', 'Emma', 'Bram', 'Lotte', 'Sem', 'Julia', 'Thijs', 'Fleur'],
    last: ['de Vries', 'Jansen', 'van Dijk', 'Bakker', 'Visser', 'Smit', 'Meijer', 'de Boer', 'Mulder'],
    creditors: ['Telco Nova', 'Waterbedrijf Delta'],
  },
  {
    code: 'US',
    locale: 'en',
    currency: 'USD',
    timezones: ['America/New_York', 'America/Chicago', 'America/Denver', 'America/Los_Angeles'],
    phone: (r) => `+1555${digits(r, 7)}`,
    first: ['Mary', 'James', 'Patricia', 'John', 'Jennifer', 'Robert', 'Linda', 'Michael', 'Elizabeth', 'David'],
    last: ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Wilson'],
    creditors: ['Brightline Utilities', 'Summit Health'],
  },
  {
    code: 'GB',
    locale: 'en',
    currency: 'GBP',
    timezones: ['Europe/London'],
    phone: (r) => `+44770090${digits(r, 4)}`,
    first: ['Oliver', 'Amelia', 'George', 'Isla', 'Harry', 'Ava', 'Noah', 'Mia'],
    last: ['Taylor', 'Davies', 'Evans', 'Wilson', 'Roberts', 'Walker', 'Wright'],
    creditors: ['Kingsway Energy'],
  },
];

const DAY = 86_400_000;

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function ascii(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-zA-Z]+/g, '')
    .toLowerCase();
}

/** `count` debts due around `nowMs`: ~20 % not yet due, ~55 % 1–30 days late, ~25 % 31–90 days late. */
export function demoPortfolio(count: number, nowMs: number, seed = 42, prefix = 'DEMO'): EnrollmentData[] {
  const rng = seeded(seed);
  const out: EnrollmentData[] = [];
  for (let i = 0; i < count; i++) {
    const c = pick(rng, COUNTRIES);
    const first = pick(rng, c.first);
    const last = pick(rng, c.last);
    const band = rng();
    const daysPastDue =
      band < 0.2 ? -Math.ceil(rng() * 10) : band < 0.75 ? 1 + Math.floor(rng() * 30) : 31 + Math.floor(rng() * 60);
    const amount = Math.round((rng() < 0.15 ? 1000 + rng() * 6000 : 20 + rng() * 900) * 100) / 100;
    const history = rng() < 0.55 ? 'good' : rng() < 0.7 ? 'late' : 'bad';
    const id = `${prefix}-${String(i + 1).padStart(5, '0')}`;
    const due = nowMs - daysPastDue * DAY;
    out.push({
      debtId: id,
      debtor: {
        id: `C-${10_000 + i}`,
        firstName: first,
        lastName: last,
        email: `${ascii(first)}.${ascii(last)}.${i}@example.com`,
        ...(rng() < 0.9 && { phone: c.phone(rng) }),
        locale: c.locale,
        timezone: pick(rng, c.timezones),
        country: c.code,
        consent: { email: true, sms: rng() < 0.8 },
      },
      debt: {
        reference: `INV-${new Date(nowMs).getUTCFullYear()}-${String(i + 1).padStart(5, '0')}`,
        amountDue: amount,
        currency: c.currency,
        dueDate: isoDate(due),
        issuedAt: isoDate(due - 30 * DAY),
        creditor: pick(rng, c.creditors),
      },
      attributes: {
        paymentHistory: history,
        openInvoices: 1 + Math.floor(rng() * 3),
        customerSince: isoDate(nowMs - (365 + Math.floor(rng() * 3000)) * DAY),
      },
    });
  }
  return out;
}
