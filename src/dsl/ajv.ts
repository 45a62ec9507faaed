/**
 * The ajv instance every schema of the language is checked with: the kinds (the compiler's
 * structural phase), enrollment records and behaviour models. One set of options, shared by the
 * precompiled validators (scripts/gen-schemas.ts).
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

type AddFormats = (ajv: Ajv2020) => Ajv2020;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ??
  addFormatsModule) as unknown as AddFormats;

/** The options of every ajv instance (the kinds' precompiled validators use them too). */
export const AJV_OPTIONS = {
  allErrors: true,
  verbose: true,
  discriminator: true,
  strict: true,
  strictRequired: false,
  keywords: ['errorCode', 'errorHint'],
} as const;

export function createAjv(): Ajv2020 {
  const a = new Ajv2020({ ...AJV_OPTIONS, keywords: [...AJV_OPTIONS.keywords] });
  addFormats(a);
  return a;
}
