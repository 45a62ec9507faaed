/**
 * The one logger factory (src/log): JSON lines with `service`, to the given stream or else to
 * stderr (never stdout), personal data redacted by field and scrubbed from every string value.
 */
import { spawnSync } from 'node:child_process';
import { Writable } from 'node:stream';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { signLinkToken } from '../../src/channels/tokens.js';
import { createLogger, scrubLine, type Service } from '../../src/log/index.js';
import { maskPersonalData } from '../../src/core/personal-data.js';

const ROOT = join(import.meta.dirname, '..', '..');
const TOKEN = signLinkToken('log-test-secret-0123456789-abcdefghijkl', {
  p: 'u',
  w: 'settle/INV-7/soft',
  s: 'first-email',
  c: 'email',
  k: 'k',
});
const HOSTILE = `550 <anna.rossi@example.com> "unknown" +33 6 12 34 56 78, see https://pay.example.test/u/${TOKEN}?email=anna.rossi@example.com`;

function captured(service: Service) {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { lines, log: createLogger({ service, level: 'debug', stream }) };
}

function expectClean(text: string): void {
  expect(text).not.toContain('anna.rossi');
  expect(text).not.toContain('example.com');
  expect(text).not.toMatch(/\+33[\d ]{6,}/);
  expect(text).not.toContain(TOKEN.split('.')[0]!.slice(0, 20));
  expect(text).not.toContain(TOKEN.split('.')[1]!);
}

describe('createLogger', () => {
  it.each(['settle-worker', 'settle-server', 'settle-dev', 'settle-cli'] as const)(
    '%s: JSON lines with service; hostile text masked in messages, fields, errors and nested values',
    (service) => {
      const { lines, log } = captured(service);
      log.warn({ err: new Error(HOSTILE) }, 'activity failed');
      log.info({ reason: HOSTILE, nested: { list: [HOSTILE, 42] }, other: new TypeError(HOSTILE) }, HOSTILE);
      log.child({ workflowId: 'settle/INV-7/soft' }).error(`hit /t/o/${TOKEN} and /p/${TOKEN}/checkout`);
      log.info({ debtor: { firstName: 'Anna', email: 'x' }, firstName: 'Anna', lastName: 'Rossi' }, 'fields');
      expect(lines).toHaveLength(4);
      const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      for (const p of parsed) expect(p).toMatchObject({ service, time: expect.any(String) as string });
      expectClean(lines.join(''));
      expect(lines.join('')).not.toContain('Rossi');
      expect(lines.join('')).not.toContain('Anna');
      expect(parsed[0]).toMatchObject({ level: 'warn', msg: 'activity failed', err: { type: 'Error' } });
      expect((parsed[0]!.err as { message: string }).message).toBe(
        '550 <<email>> "unknown" <phone>, see https://pay.example.test/u/…?…',
      );
      expect(parsed[1]).toMatchObject({ other: { type: 'TypeError' }, nested: { list: [expect.any(String), 42] } });
      expect(parsed[2]).toMatchObject({ workflowId: 'settle/INV-7/soft', msg: 'hit /t/o/… and /p/…/checkout' });
      expect(parsed[3]).toMatchObject({ debtor: '[redacted]', firstName: '[redacted]', lastName: '[redacted]' });
    },
  );

  it('the level filters, and lines without anything to mask are written as they are', () => {
    const lines: string[] = [];
    const stream = new Writable({ write: (c: Buffer, _e, done) => done(void lines.push(c.toString())) });
    const log = createLogger({ service: 'settle-worker', level: 'warn', stream });
    log.info('not written');
    log.warn({ journey: 'soft-collection', step: 'first-email', version: 3 }, 'kept');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ journey: 'soft-collection', step: 'first-email', version: 3 });
  });

  it('without a stream, lines go to stderr and stdout stays empty', () => {
    const loader = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
    const module = pathToFileURL(join(ROOT, 'src', 'log', 'index.ts')).href;
    const script = `const { createLogger } = await import(${JSON.stringify(module)});
      createLogger({ service: 'settle-server' }).info({ url: ${JSON.stringify(HOSTILE)} }, 'one');
      createLogger({ service: 'settle-dev', level: 'warn' }).warn('two ' + ${JSON.stringify(HOSTILE)});`;
    const r = spawnSync(process.execPath, ['--import', loader, '--input-type=module', '-e', script], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toMatchObject([
      { service: 'settle-server', msg: 'one' },
      { service: 'settle-dev', level: 'warn' },
    ]);
    expectClean(r.stderr);
  });
});

describe('scrub', () => {
  it('masks addresses, numbers, link tokens and query strings, and keeps the rest', () => {
    expect(maskPersonalData(HOSTILE)).toBe('550 <<email>> "unknown" <phone>, see https://pay.example.test/u/…?…');
    expect(maskPersonalData(`token ${TOKEN} alone`)).toBe('token <token> alone');
    expect(maskPersonalData('/webhooks/twilio/status?k=secret')).toBe('/webhooks/twilio/status?…');
    expect(maskPersonalData('settle/INV-2026-0042/soft-collection waits 3d (attempt 2)?')).toBe(
      'settle/INV-2026-0042/soft-collection waits 3d (attempt 2)?',
    );
  });

  it('keeps a line valid JSON whatever the escapes next to what it masks', () => {
    const texts = [
      'a\\"anna@example.com\\"b',
      'line\nanna@example.com\n+33612345678',
      '"quoted" anna@example.com\\',
      `\\\\${TOKEN}\\?x=1\\`,
      'tab\tx?y=1"z',
    ];
    for (const t of texts) {
      const out = scrubLine(`${JSON.stringify({ msg: t, list: [t] })}\n`);
      const back = JSON.parse(out) as { msg: string };
      expect(back.msg).not.toMatch(/anna@|\+336|eyJ/);
    }
  });
});
