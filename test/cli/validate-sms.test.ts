/**
 * settle validate renders every SMS template with the example records and warns when one takes
 * more segments than the template allows (maxSegments, default 2) or characters outside GSM-7.
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/compiler/index.js';
import { ROOT, scratchProject, settle } from './helpers.js';

function withExamples(): string {
  const dir = scratchProject();
  mkdirSync(join(dir, 'examples'), { recursive: true });
  cpSync(join(ROOT, 'examples', 'records'), join(dir, 'examples', 'records'), { recursive: true });
  return dir;
}

async function smsWarnings(dir: string, args: string[] = []): Promise<Diagnostic[]> {
  const r = await settle(['validate', '--format', 'json', ...args], dir);
  expect(r.code).toBe(0);
  const { diagnostics } = JSON.parse(r.stdout) as { diagnostics: Diagnostic[] };
  return diagnostics.filter((d) => d.code.startsWith('SMS_'));
}

const TEMPLATE = join('journeys', 'templates', 'payment-help-sms.template.yaml');

describe('settle validate: SMS segments of the example records', () => {
  it('finds the example SMS templates within two GSM-7 segments', async () => {
    expect(await smsWarnings(withExamples())).toEqual([]);
  });

  it('warns about characters outside GSM-7, naming the record and the code points', async () => {
    const dir = withExamples();
    const file = join(dir, TEMPLATE);
    writeFileSync(file, readFileSync(file, 'utf8').replace("besoin d'aide", 'besoin d’aide'));
    const [warning, tooLong, ...rest] = await smsWarnings(dir);
    expect(rest).toEqual([]);
    expect(warning).toMatchObject({ code: 'SMS_NOT_GSM7', severity: 'warning', path: 'locales.fr.text' });
    // One apostrophe makes the whole SMS UCS-2: 70 characters a segment, so three segments.
    expect(tooLong).toMatchObject({ code: 'SMS_TOO_LONG', path: 'locales.fr.text' });
    expect(tooLong!.message).toMatch(/renders to 3 SMS segments \(\d+ characters, UCS-2\)/);
    expect(warning!.message).toContain('"’" U+2019');
    expect(warning!.message).toMatch(/examples\/records\/\S+\.json/);
    expect(warning!.line).toBeGreaterThan(1);
  });

  it('warns when a record renders more segments than maxSegments (default 2)', async () => {
    const dir = withExamples();
    const file = join(dir, TEMPLATE);
    const long = 'Vous pouvez aussi nous appeler du lundi au vendredi. '.repeat(4);
    writeFileSync(file, readFileSync(file, 'utf8').replace('ou répondez-nous.', `ou répondez-nous. ${long}`));
    const [warning] = await smsWarnings(dir);
    expect(warning).toMatchObject({ code: 'SMS_TOO_LONG', path: 'locales.fr.text' });
    expect(warning!.message).toMatch(
      /renders to 3 SMS segments \(\d+ characters, GSM-7\) for .*; the template allows 2/,
    );
    // Declaring the length accepts it; one segment is too few for it (en and nl still fit one).
    const spec = readFileSync(file, 'utf8');
    writeFileSync(file, spec.replace('  channel: sms\n', '  channel: sms\n  maxSegments: 3\n'));
    expect(await smsWarnings(dir)).toEqual([]);
    writeFileSync(file, spec.replace('  channel: sms\n', '  channel: sms\n  maxSegments: 1\n'));
    const strict = await smsWarnings(dir);
    expect(strict.map((d) => d.path)).toEqual(['locales.fr.text']);
    expect(strict[0]!.message).toContain('the template allows 1');
  });

  it('reads another folder with --examples, and none without one', async () => {
    const dir = scratchProject();
    const file = join(dir, TEMPLATE);
    writeFileSync(file, readFileSync(file, 'utf8').replace("besoin d'aide", 'besoin d’aide'));
    expect(await smsWarnings(dir)).toEqual([]);
    cpSync(join(ROOT, 'examples', 'records'), join(dir, 'recs'), { recursive: true });
    expect((await smsWarnings(dir, ['--examples', 'recs'])).map((d) => d.code)).toEqual([
      'SMS_NOT_GSM7',
      'SMS_TOO_LONG',
    ]);
    const missing = await settle(['validate', '--examples', 'nowhere'], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nowhere: no such directory');
  });
});
