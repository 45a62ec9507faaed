/**
 * How many SMS a text is billed as (GSM 03.38 / 3GPP TS 23.040): a text made only of GSM-7
 * characters fits 160 septets in one message and 153 per part when concatenated (the rest
 * carries the part header); any other character switches the whole text to UCS-2, 70 UTF-16
 * units alone or 67 per part. Characters of the GSM extension table (€, [, ], {, }, ~, ^, |, \,
 * form feed) take two septets and, like surrogate pairs, are never split across parts. Cost
 * metrics and the SMS examples in the docs rely on this count matching the carriers'.
 */

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsSegments {
  encoding: SmsEncoding;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2) the text takes. */
  units: number;
  /** Messages billed; 0 for an empty text. */
  segments: number;
}

const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
    '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM_EXTENSION = new Set('\f^{}\\[~]|€');

const LIMITS: Record<SmsEncoding, { single: number; part: number }> = {
  'GSM-7': { single: 160, part: 153 },
  'UCS-2': { single: 70, part: 67 },
};

/** Size of each character in units of `encoding` (a code point, so surrogate pairs stay whole). */
function sizes(text: string, encoding: SmsEncoding): number[] {
  return [...text].map((ch) => (encoding === 'GSM-7' ? (GSM_EXTENSION.has(ch) ? 2 : 1) : ch.length));
}

/** Whether every character of `text` is in the GSM-7 alphabet (basic or extension table). */
export function isGsm7(text: string): boolean {
  for (const ch of text) if (!GSM_BASIC.has(ch) && !GSM_EXTENSION.has(ch)) return false;
  return true;
}

/** The encoding, size and number of billed messages of an SMS body. */
export function countSmsSegments(text: string): SmsSegments {
  const encoding: SmsEncoding = isGsm7(text) ? 'GSM-7' : 'UCS-2';
  const charSizes = sizes(text, encoding);
  const units = charSizes.reduce((sum, n) => sum + n, 0);
  const { single, part } = LIMITS[encoding];
  if (units === 0) return { encoding, units, segments: 0 };
  if (units <= single) return { encoding, units, segments: 1 };
  // Fill parts greedily: a character that does not fit whole starts the next part.
  let segments = 1;
  let used = 0;
  for (const size of charSizes) {
    if (used + size > part) {
      segments += 1;
      used = 0;
    }
    used += size;
  }
  return { encoding, units, segments };
}

export interface SmsLength extends SmsSegments {
  /** Characters (code points) of the text. */
  characters: number;
  /** The distinct characters outside the GSM-7 alphabet, in order of first appearance. */
  nonGsm: string[];
}

/** What `settle render` and `settle validate` report about an SMS body. */
export function smsLength(text: string): SmsLength {
  const nonGsm: string[] = [];
  let characters = 0;
  for (const ch of text) {
    characters += 1;
    if (!GSM_BASIC.has(ch) && !GSM_EXTENSION.has(ch) && !nonGsm.includes(ch)) nonGsm.push(ch);
  }
  return { ...countSmsSegments(text), characters, nonGsm };
}

/** `U+202F` style names for characters, for messages that must show invisible ones. */
export function codePointName(ch: string): string {
  return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}
