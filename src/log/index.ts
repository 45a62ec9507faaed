/**
 * Structured JSON logs (pino) for the worker and the server: one line per event, with the ids an
 * operator searches by (workflowId, journey, version, step, activity) and never personal data.
 * Fields that could carry it (debtor, enrollment, addresses) are redacted by path, and email
 * addresses and phone numbers inside messages — an SMTP error often quotes the recipient — are
 * masked before a line is written.
 */
import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from '../config/env.js';

export type { Logger } from 'pino';

const EMAIL = /[^\s@<>"'(),;:]+@[^\s@<>"'(),;:]+\.[A-Za-z]{2,}/g;
const PHONE = /\+\d[\d ().-]{6,}\d/g;

/** Masks email addresses and phone numbers in free text. */
export function scrub(text: string): string {
  return text.replace(EMAIL, '<email>').replace(PHONE, '<phone>');
}

const REDACT = [
  'debtor',
  'enrollment',
  'email',
  'phone',
  'to',
  'address',
  '*.debtor',
  '*.enrollment',
  '*.email',
  '*.phone',
  '*.to',
];

export interface LoggerOptions {
  level?: LogLevel;
  /** Where lines go (default stderr: stdout belongs to command output). */
  stream?: DestinationStream;
  /** Bound to every line, e.g. `{ service: 'settle-worker' }`. */
  base?: Record<string, unknown>;
}

function scrubValue(v: unknown): unknown {
  if (typeof v === 'string') return scrub(v);
  if (v instanceof Error) return { type: v.name, message: scrub(v.message) };
  return v;
}

export function createLogger(o: LoggerOptions = {}): Logger {
  return pino(
    {
      level: o.level ?? 'info',
      base: { ...o.base },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT, censor: '[redacted]' },
      formatters: {
        level: (label) => ({ level: label }),
        log: (obj) => Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, scrubValue(v)])),
      },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? scrub(a) : a)) as Parameters<typeof method>);
        },
      },
    },
    o.stream ?? pino.destination({ dest: 2, sync: true }),
  );
}
