/** settle render prints what an SMS is billed as: characters, encoding and segments. */
import { describe, expect, it } from 'vitest';
import { smsLength } from '../../src/core/sms-segments.js';
import { render } from './helpers.js';

describe('settle render (SMS length)', () => {
  it('prints characters, encoding and segments of a French SMS, which stays GSM-7', async () => {
    const r = await render('due-date-sms', 'anna-rossi');
    expect(r.code).toBe(0);
    const body = r.stdout.split('\n').slice(3).join('\n').trimEnd();
    const length = smsLength(body);
    expect(length.encoding).toBe('GSM-7');
    expect(body).toContain('420,50 €');
    expect(r.stdout).toContain(`# ${length.characters} characters · GSM-7 · ${length.segments} segment`);
  });

  it('gives the same figures in json, with the characters outside GSM-7', async () => {
    const r = await render('due-date-sms', 'anna-rossi', '--format', 'json');
    expect(r.code).toBe(0);
    const msg = JSON.parse(r.stdout) as { text: string; sms: ReturnType<typeof smsLength> };
    expect(msg.sms).toEqual(smsLength(msg.text));
    expect(msg.sms.nonGsm).toEqual([]);
  });

  it('prints no SMS figures for an email', async () => {
    const r = await render('overdue-friendly', 'anna-rossi', '--format', 'json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).not.toHaveProperty('sms');
  });
});
