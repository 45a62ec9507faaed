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
import { mayHoldPersonalData, maskPersonalData } from '../core/personal-data.js';

export type { Logger } from 'pino';

/** The `service` field: which process wrote the line. */
export type Service = 'settle-worker' | 'settle-server' | 'settle-dev' | 'settle-cli';

function scrubDeep(value: unknown): unknown {
  if (typeof value === 'string') return maskPersonalData(value);
  if (Array.isArray(value)) return value.map(scrubDeep);
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubDeep(v)]));
  return value;
}

/** The last step before a line is written: every string value of it scrubbed (keys and structure kept). */
export function scrubLine(line: string): string {
  if (!mayHoldPersonalData(line)) return line;
  try {
    return `${JSON.stringify(scrubDeep(JSON.parse(line)))}\n`;
  } catch {
    return `${maskPersonalData(line.trimEnd())}\n`;
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
