/**
 * Calendar dates written 'YYYY-MM-DD' (due dates, issue dates, holidays), checked against the
 * proleptic Gregorian calendar. Parsed by hand: every CEL input converts the record's dates.
 * Pure, so workflow-safe.
 */
/** Parses a calendar date 'YYYY-MM-DD' (checked against the calendar: no 2026-02-30). */
export function parseIsoDate(iso: string): { year: number; month: number; day: number } | undefined {
  // By hand rather than with a RegExp and a Date: every CEL input converts the record's dates.
  if (iso.length !== 10 || iso.charCodeAt(4) !== 45 || iso.charCodeAt(7) !== 45) return undefined;
  const year = digits(iso, 0, 4);
  const month = digits(iso, 5, 7);
  const day = digits(iso, 8, 10);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return { year, month, day };
}

/** The number written by the ASCII digits iso[from, to), or -1 when one is not a digit. */
function digits(iso: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = iso.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/** Days in a month of the proleptic Gregorian calendar. */
function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** The parsed date, or a RangeError naming the bad text. */
export function requireDate(iso: string): { year: number; month: number; day: number } {
  const d = parseIsoDate(iso);
  if (!d) throw new RangeError(`not a calendar date (YYYY-MM-DD): ${JSON.stringify(iso)}`);
  return d;
}
