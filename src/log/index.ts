/**
 * The one logger set-up of every Settle process (worker, server, dev, CLI): pino JSON lines on
 * stderr — stdout belongs to command output such as `settle dev --json` — each with the `service`
 * that wrote it, and never personal data.
 *
 * Lines carry the ids an operator searches by (workflowId, journey, version, step, activity).
 * Fields that could carry personal data (debtor, enrollment, names, addresses) are redacted by
 * path; then, on the finished line, every string value is scrubbed: email addresses and phone
 * numbers (an SMTP or webhook error often quotes the recipient), signed link tokens and the paths
 * that carry them (`/p/…`, `/u/…`, `/t/o/…`, `/t/c/…`), and query strings (`?email=…`).
 */
import { pino, type DestinationStream, type Logger, type LoggerOptions as PinoOptions } from 'pino';
import type { LogLevel } from '../config/env.js';

export type { Logger } from 'pino';

/** The `service` field: which process wrote the line. */
export type Service = 'settle-worker' | 'settle-server' | 'settle-dev' | 'settle-cli';

const EMAIL = /[^\s@<>"'(),;:]+@[^\s@<>"'(),;:]+\.[A-Za-z]{2,}/g;
const PHONE = /\+\d[\d ().-]{6,}\d/g;
/** A signed token (src/channels/tokens.ts: base64url JSON, a dot, a base64url MAC) or any JWT-like one. */
const TOKEN = /\beyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}(?:\.[A-Za-z0-9_-]+)?/g;
/** The link routes whose next path segment is a token. */
const TOKEN_PATH = /(\/(?:p|u|t\/o|t\/c)\/)[A-Za-z0-9._~%-]{6,}/g;
/** A query string (it may hold tokens, addresses, numbers): from `?name=` to the end of the URL. */
const QUERY = /\?[\w.%-]+=[^\s"'<>#]*/g;
/** Cheap pre-check: a line none of the patterns above can match is written as it is. */
const SUSPECT = /[@+?]|eyJ|\/[pu]\/|\/t\/[oc]\//;

/** Masks email addresses, phone numbers, link tokens and query strings in free text. */
export function scrub(text: string): string {
  return text
    .replace(QUERY, '?…')
    .replace(TOKEN_PATH, '$1…')
    .replace(TOKEN, '<token>')
    .replace(EMAIL, '<email>')
    .replace(PHONE, '<phone>');
}

function scrubDeep(value: unknown): unknown {
  if (typeof value === 'string') return scrub(value);
  if (Array.isArray(value)) return value.map(scrubDeep);
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubDeep(v)]));
  return value;
}

/** The last step before a line is written: every string value of it scrubbed (keys and structure kept). */
export function scrubLine(line: string): string {
  if (!SUSPECT.test(line)) return line;
  try {
    return `${JSON.stringify(scrubDeep(JSON.parse(line)))}\n`;
  } catch {
    return `${scrub(line.trimEnd())}\n`;
  }
}

const PERSONAL = ['debtor', 'enrollment', 'email', 'phone', 'to', 'address', 'firstName', 'lastName'];
const REDACT = [...PERSONAL, ...PERSONAL.map((k) => `*.${k}`)];

export interface LoggerOptions {
  service: Service;
  level?: LogLevel;
  /** Where lines go; default stderr (stdout belongs to command output). Tests pass a stream. */
  stream?: DestinationStream;
  /** Extra serializers, e.g. the server's request and response lines. */
  serializers?: PinoOptions['serializers'];
}

function errorAsFields(v: unknown): unknown {
  return v instanceof Error ? { type: v.name, message: v.message } : v;
}

export function createLogger(o: LoggerOptions): Logger {
  return pino(
    {
      level: o.level ?? 'info',
      base: { service: o.service },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT, censor: '[redacted]' },
      ...(o.serializers && { serializers: o.serializers }),
      formatters: {
        level: (label) => ({ level: label }),
        // Errors logged under another key than `err` (pino's serializer: type, message, stack): type and message.
        log: (obj) => Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, k === 'err' ? v : errorAsFields(v)])),
      },
      hooks: { streamWrite: scrubLine },
    },
    o.stream ?? pino.destination({ dest: 2, sync: true }),
  );
}
