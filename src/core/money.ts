/**
 * Money in a journey, workflow-safe: amounts in a currency's minor units the way Stripe counts
 * them (enrollment records and the journey state carry decimal amounts, 420.5 EUR; Stripe's API
 * and webhooks integer minor units, 42050), and the instalment schedule of a payment plan —
 * one function for the payment page, the Checkout Session, the journey and its templates, so
 * they all say the same amounts. Stripe's exponent is not always ISO 4217's, so its own lists
 * are used (https://docs.stripe.com/currencies#zero-decimal): zero-decimal currencies are sent as
 * is, three-decimal ones in thousandths but rounded to a multiple of ten, everything else in
 * hundredths.
 */

// prettier-ignore
const ZERO_DECIMAL = new Set([
  'BIF', 'CLP', 'DJF', 'GNF', 'JPY', 'KMF', 'KRW', 'MGA', 'PYG', 'RWF', 'UGX', 'VND', 'VUV', 'XAF', 'XOF', 'XPF',
]);
const THREE_DECIMAL = new Set(['BHD', 'JOD', 'KWD', 'OMR', 'TND']);

/** Digits after the decimal point in Stripe's amounts for `currency` (ISO 4217 code, any case). */
export function currencyExponent(currency: string): 0 | 2 | 3 {
  const code = currency.toUpperCase();
  if (ZERO_DECIMAL.has(code)) return 0;
  if (THREE_DECIMAL.has(code)) return 3;
  return 2;
}

/** The smallest chargeable step in minor units (10 for three-decimal currencies). */
function step(currency: string): number {
  return currencyExponent(currency) === 3 ? 10 : 1;
}

/** 420.5 EUR → 42050; 1500 JPY → 1500. Rounds to the nearest chargeable unit. */
export function toMinorUnits(amount: number, currency: string): number {
  if (!Number.isFinite(amount)) throw new RangeError(`amount must be a finite number, got ${amount}`);
  const unit = step(currency);
  // toFixed first: 0.29 * 100 is 28.999999999999996 in binary floating point.
  const minor = Number((amount * 10 ** currencyExponent(currency)).toFixed(6));
  return Math.round(minor / unit) * unit;
}

/** 42050 EUR → 420.5. */
export function fromMinorUnits(minor: number, currency: string): number {
  return minor / 10 ** currencyExponent(currency);
}

/**
 * One of `count` instalments of `amount`, in minor units, rounded up to a chargeable unit so
 * that `count` instalments never fall short of the amount (the last one may be a little less).
 */
export function instalmentMinorUnits(amount: number, currency: string, count: number): number {
  if (!Number.isInteger(count) || count < 1)
    throw new RangeError(`instalments must be a positive integer, got ${count}`);
  const unit = step(currency);
  return Math.ceil(toMinorUnits(amount, currency) / count / unit) * unit;
}

/**
 * The amounts of a plan of `count` instalments of `amount`, in minor units: every instalment but
 * the last is `instalmentMinorUnits` (rounded up), the last is what is left, so the instalments
 * add up to the amount exactly (100 EUR in 3: 33.34, 33.34, 33.32).
 */
export function instalmentScheduleMinorUnits(amount: number, currency: string, count: number): number[] {
  const total = toMinorUnits(amount, currency);
  const each = instalmentMinorUnits(amount, currency, count);
  const out: number[] = [];
  let left = total;
  for (let i = 0; i < count; i++) {
    const part = i === count - 1 ? left : Math.min(each, left);
    out.push(part);
    left -= part;
  }
  return out;
}

/** Two amounts of a currency are equal to the chargeable unit (floating point never decides). */
export function sameOrMore(a: number, b: number, currency: string): boolean {
  return toMinorUnits(a, currency) >= toMinorUnits(b, currency);
}
