/** Mapping nodemailer errors to ChannelError kinds, and redacting provider text. */
import { describe, expect, it } from 'vitest';
import { ChannelError } from '../../src/channels/errors.js';
import { maskPersonalData } from '../../src/core/personal-data.js';
import { mapSmtpError } from '../../src/channels/smtp-errors.js';

function smtpError(fields: Record<string, unknown>): Error {
  return Object.assign(new Error(String(fields.message ?? 'failed')), fields);
}

describe('maskPersonalData', () => {
  it('hides addresses and phone numbers but keeps reply codes', () => {
    expect(maskPersonalData('550 5.1.1 <anna.rossi+x@mail.example.com>: unknown')).toBe('550 5.1.1 <<email>>: unknown');
    expect(maskPersonalData('number +33 6 12 34 56 78 refused (21610)')).toBe('number <phone> refused (21610)');
    expect(maskPersonalData('451 4.7.1 try again in 300 s')).toBe('451 4.7.1 try again in 300 s');
  });
});

describe('mapSmtpError', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['550 at RCPT', { code: 'EENVELOPE', responseCode: 550, permanent: true, command: 'RCPT TO' }, 'hard'],
    ['554 after DATA', { code: 'EMESSAGE', responseCode: 554, permanent: true, command: 'DATA' }, 'hard'],
    ['451 at RCPT', { code: 'EENVELOPE', responseCode: 451, permanent: false, command: 'RCPT TO' }, 'soft'],
    ['503 is not permanent', { code: 'EENVELOPE', responseCode: 503, permanent: false }, 'soft'],
    ['421 closes the session', { code: 'EENVELOPE', responseCode: 421, permanent: false }, 'unavailable'],
    ['550 at MAIL FROM', { code: 'EENVELOPE', responseCode: 550, permanent: true, command: 'MAIL FROM' }, 'config'],
    ['refused connection', { code: 'ESOCKET', message: 'connect ECONNREFUSED 127.0.0.1:1' }, 'unavailable'],
    ['timeout', { code: 'ETIMEDOUT' }, 'unavailable'],
    ['bad credentials', { code: 'EAUTH', responseCode: 535, command: 'AUTH PLAIN' }, 'config'],
    ['invalid recipient syntax', { code: 'EENVELOPE', message: 'Invalid recipient "x"', command: 'API' }, 'hard'],
    ['invalid sender syntax', { code: 'EENVELOPE', message: 'Invalid sender "x"', command: 'API' }, 'config'],
    ['unknown', { message: 'boom' }, 'unavailable'],
  ];
  it.each(cases)('%s', (_name, fields, kind) => {
    const mapped = mapSmtpError(smtpError(fields));
    expect(mapped).toBeInstanceOf(ChannelError);
    expect(mapped.kind).toBe(kind);
  });

  it('keeps a ChannelError as it is', () => {
    const error = new ChannelError('soft', 'later');
    expect(mapSmtpError(error)).toBe(error);
  });
});
