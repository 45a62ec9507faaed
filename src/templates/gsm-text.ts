/**
 * Locale formatting for SMS bodies: Intl separates thousands and currency symbols with narrow or
 * no-break spaces (fr "1 234,50 €" uses U+202F and U+00A0), writes minus as U+2212 in some
 * locales and apostrophes as U+2019 (de-CH "1’234"). None of these is in the GSM-7 alphabet, so a
 * single one switches the whole SMS to UCS-2 (70 characters per segment instead of 160) and
 * multiplies what it costs. In an SMS the formatting filters write the plain GSM-7 equivalent;
 * characters with no GSM-7 equivalent (the "zł" of Polish zloty) stay: that locale needs them.
 */

/** Characters Intl emits in numbers and dates, and their GSM-7 replacement ('' drops it). */
const REPLACEMENTS: Readonly<Record<string, string>> = {
  '\u00a0': ' ', // no-break space
  '\u202f': ' ', // narrow no-break space (fr thousands, fr/… currency)
  '\u2007': ' ', // figure space
  '\u2009': ' ', // thin space
  '\u200a': ' ', // hair space
  '\u2002': ' ',
  '\u2003': ' ',
  '\u2004': ' ',
  '\u2005': ' ',
  '\u2006': ' ',
  '\u2008': ' ',
  '\u2018': "'",
  '\u2019': "'", // de-CH / it-CH thousands separator
  '\u2212': '-', // minus sign
  '\u2010': '-',
  '\u2011': '-', // non-breaking hyphen
  '\u2013': '-',
  '\u200e': '', // left-to-right mark
  '\u200f': '', // right-to-left mark
  '\u061c': '', // Arabic letter mark
  '\u200b': '', // zero-width space
};

const PATTERN = new RegExp(`[${Object.keys(REPLACEMENTS).join('')}]`, 'gu');

/** `text` with the spaces, dashes and marks Intl uses replaced by their GSM-7 equivalents. */
export function gsm7Formatting(text: string): string {
  return text.replace(PATTERN, (ch) => REPLACEMENTS[ch] ?? ch);
}
