/**
 * Reads nodemailer's errors as bounce kinds. nodemailer tags SMTP refusals `EENVELOPE` (MAIL
 * FROM / RCPT TO / DATA command) or `EMESSAGE` (the message after DATA) with the reply code and
 * `permanent` (5xx except 503); connection trouble comes as ECONNECTION, ETIMEDOUT, ESOCKET…
 * The reply text is redacted because servers quote the recipient's address in it.
 */
import { maskPersonalData } from '../core/personal-data.js';
import { ChannelError } from './errors.js';

interface NodemailerError {
  code?: string;
  responseCode?: number;
  permanent?: boolean;
  response?: string;
  command?: string;
  message?: string;
}

const UNAVAILABLE_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'ETLS',
  'EPROXY',
  'EMAXLIMIT',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);
const CONFIG_CODES = new Set(['EAUTH', 'ENOAUTH', 'EOAUTH2', 'ECONFIG', 'EREQUIRETLS', 'EFILEACCESS', 'EURLACCESS']);

function describe(e: NodemailerError): string {
  const what = e.command ? `SMTP ${e.command}` : 'SMTP';
  const reply = e.response ?? e.message ?? 'no reply';
  return `${what}: ${maskPersonalData(reply)}`;
}

/** The ChannelError for an error thrown by a nodemailer SMTP transport. */
export function mapSmtpError(error: unknown): ChannelError {
  if (error instanceof ChannelError) return error;
  const e: NodemailerError = typeof error === 'object' && error !== null ? (error as NodemailerError) : {};
  const code = e.code ?? '';
  const reply = e.responseCode;
  if (reply === 421 || UNAVAILABLE_CODES.has(code)) {
    return new ChannelError('unavailable', `mail server unavailable (${code || reply}): ${describe(e)}`, reply);
  }
  if (CONFIG_CODES.has(code)) {
    return new ChannelError('config', `mail server configuration (${code}): ${describe(e)} — check SMTP_URL`, reply);
  }
  if ((code === 'EENVELOPE' || code === 'EMESSAGE') && reply !== undefined) {
    const permanent = e.permanent ?? (reply >= 500 && reply !== 503);
    if (permanent && e.command === 'MAIL FROM') {
      return new ChannelError('config', `the mail server refused the sender: ${describe(e)} — check SMTP_FROM`, reply);
    }
    return permanent
      ? new ChannelError('hard', `refused for good: ${describe(e)}`, reply)
      : new ChannelError('soft', `refused for now: ${describe(e)}`, reply);
  }
  if (code === 'EENVELOPE') {
    // Refused before talking to the server: the address itself is unusable.
    if (/sender/i.test(e.message ?? '')) {
      return new ChannelError('config', `invalid sender address — check SMTP_FROM`);
    }
    return new ChannelError('hard', `invalid recipient address: ${maskPersonalData(e.message ?? '')}`);
  }
  const text = e.message !== undefined ? maskPersonalData(e.message) : String(error);
  return new ChannelError('unavailable', `sending mail failed (${code || 'unknown error'}): ${text}`);
}
