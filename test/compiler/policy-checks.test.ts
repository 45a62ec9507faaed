/** Holidays expanded into the plan, and the policy and timing checks' messages and hints. */
import { describe, expect, it } from 'vitest';
import { compileSources } from '../../src/compiler/index.js';
import { fixedOffsetSeconds } from '../../src/compiler/checks/timing.js';
import { HOLIDAY_YEARS, publicHolidayDates } from '../../src/compiler/holidays.js';
import { baseSources } from '../corpus/corpus.js';

describe('publicHolidayDates', () => {
  it('lists public holidays only, sorted, over the fixed years', () => {
    const fr = publicHolidayDates('FR');
    expect(fr).toContain('2026-12-25');
    expect(fr).toContain('2026-05-25'); // Lundi de Pentecôte (public)
    expect(fr).not.toContain('2026-05-24'); // Pentecôte (observance)
    expect(fr).not.toContain('2026-05-31'); // Fête des Mères (observance)
    expect(fr).toEqual([...fr].sort());
    expect(new Set(fr).size).toBe(fr.length);
    expect(fr[0]!.startsWith(String(HOLIDAY_YEARS.from))).toBe(true);
    expect(fr[fr.length - 1]!.startsWith(String(HOLIDAY_YEARS.to))).toBe(true);
    expect(fr.length).toBe(11 * (HOLIDAY_YEARS.to - HOLIDAY_YEARS.from + 1));
  });

  it('leaves bank holidays out (Heiligabend in Germany)', () => {
    expect(publicHolidayDates('DE')).not.toContain('2026-12-24');
    expect(publicHolidayDates('DE')).toContain('2026-12-26');
  });

  it('adds the region’s own holidays', () => {
    expect(publicHolidayDates('FR')).not.toContain('2026-12-26');
    expect(publicHolidayDates('FR', '67')).toContain('2026-12-26'); // Alsace: Saint-Étienne
    expect(publicHolidayDates('DE', 'BY')).toContain('2026-01-06'); // Bavaria: Epiphany
    expect(publicHolidayDates('DE')).not.toContain('2026-01-06');
  });

  it('closes every date a multi-day holiday covers, and substitute days', () => {
    const kr = publicHolidayDates('KR');
    expect(kr).toEqual(expect.arrayContaining(['2026-02-17', '2026-02-18', '2026-02-19'])); // Seollal, three days as the library dates it
    expect(publicHolidayDates('GB')).toContain('2027-12-27'); // Christmas Day (substitute day)
  });

  it('returns a copy: callers cannot corrupt the cache', () => {
    publicHolidayDates('NL').push('1999-01-01');
    expect(publicHolidayDates('NL')).not.toContain('1999-01-01');
  });
});

describe('plans carry the holiday dates', () => {
  it('the base project’s plan lists French holidays next to its own closed days, the same on every compile', () => {
    const a = compileSources(baseSources()).plans.get('reminders')!;
    const b = compileSources(baseSources()).plans.get('reminders')!;
    expect(a.policy.holidays.closedDays).toEqual(['2026-12-24']);
    expect(a.policy.holidays.dates).toEqual(publicHolidayDates('FR'));
    expect(a.sourceHash).toBe(b.sourceHash);
  });
});

function policyDiagnostics(holidays: string, caps = '[]') {
  const sources = baseSources().map((s) =>
    s.path.endsWith('standard.policy.yaml')
      ? {
          ...s,
          text: s.text
            .replace(/  holidays:\n(    .*\n)+/, `  holidays: ${holidays}\n`)
            .replace(/  frequencyCaps:\n(    .*\n)+/, `  frequencyCaps: ${caps}\n`),
        }
      : s,
  );
  return compileSources(sources).diagnostics;
}

describe('UNKNOWN_COUNTRY and UNKNOWN_REGION hints', () => {
  it('suggests GB for UK, and lists codes by first letter otherwise', () => {
    const [uk] = policyDiagnostics('{ country: UK }');
    expect(uk).toMatchObject({
      code: 'UNKNOWN_COUNTRY',
      path: 'holidays.country',
      hint: 'did you mean `GB` (United Kingdom)?',
    });
    expect(policyDiagnostics('{ country: XX }')[0]!.hint).toBe('known countries starting with X: XK');
    expect(policyDiagnostics('{ country: QQ }')[0]!.hint).toMatch(
      /^use an ISO 3166-1 alpha-2 code with holiday data \(\d+ known\)/,
    );
  });

  it('suggests a region by code, by name and without the country prefix', () => {
    expect(policyDiagnostics('{ country: DE, region: BYY }')[0]).toMatchObject({
      code: 'UNKNOWN_REGION',
      hint: 'did you mean `BY` (Bayern)?',
    });
    expect(policyDiagnostics('{ country: DE, region: bayern }')[0]!.hint).toBe('did you mean `BY` (Bayern)?');
    expect(policyDiagnostics('{ country: DE, region: DE-BY }')[0]!.hint).toBe('did you mean `BY` (Bayern)?');
    expect(policyDiagnostics('{ country: NL, region: Utrecht }')[0]!.hint).toMatch(
      /^known regions of NL: GR \(Groningen\)/,
    );
  });

  it('refuses a region without a country', () => {
    expect(policyDiagnostics('{ region: BY }')[0]).toMatchObject({
      code: 'UNKNOWN_REGION',
      message: 'region `BY` without a country',
    });
  });

  it('accepts a known country and region', () => {
    expect(policyDiagnostics('{ country: DE, region: BY }')).toEqual([]);
  });
});

describe('cap checks', () => {
  it('a deferring cap under a skipping one is not redundant; the other way round it is', () => {
    expect(
      policyDiagnostics(
        '{ country: FR }',
        '[{ channels: [email, sms], max: 3, per: 7d, onExceed: skip }, { channels: [sms], max: 3, per: 1d }]',
      ),
    ).toEqual([]);
    expect(
      policyDiagnostics(
        '{ country: FR }',
        '[{ channels: [email, sms], max: 3, per: 7d }, { channels: [sms], max: 3, per: 1d, onExceed: skip }]',
      ).map((d) => d.code),
    ).toEqual(['CAP_REDUNDANT']);
  });

  it('caps on different channels or a stricter narrow cap are fine', () => {
    expect(
      policyDiagnostics(
        '{ country: FR }',
        '[{ channels: [email], max: 3, per: 7d }, { channels: [sms], max: 1, per: 7d }]',
      ),
    ).toEqual([]);
    expect(
      policyDiagnostics(
        '{ country: FR }',
        '[{ channels: [email, sms], max: 7, per: 7d }, { channels: [sms], max: 1, per: 1d }]',
      ),
    ).toEqual([]);
  });
});

describe('debtor scope and minimum gap', () => {
  it('a per-debt cap under a debtor-wide one of the same channels, period and max is redundant, not the reverse', () => {
    expect(
      policyDiagnostics(
        '{ country: FR }',
        '[{ channels: [email, sms], max: 3, per: 7d, scope: debtor }, { channels: [email, sms], max: 3, per: 7d }]',
      ).map((d) => [d.code, d.message]),
    ).toEqual([
      [
        'CAP_REDUNDANT',
        'frequency cap email+sms ≤ 3 per 7d never applies: email+sms ≤ 3 per 7d (debtor-wide) stops every send it would stop',
      ],
    ]);
    // Per debt first, debtor-wide second: each stops sends the other lets through.
    expect(
      policyDiagnostics(
        '{ country: FR }',
        '[{ channels: [email, sms], max: 3, per: 7d }, { channels: [email, sms], max: 5, per: 7d, scope: debtor }]',
      ),
    ).toEqual([]);
    expect(
      policyDiagnostics(
        '{ country: FR }',
        '[{ channels: [sms], max: 1, per: 3d, scope: debtor }, { channels: [sms], max: 1, per: 3d, scope: debtor }]',
      ).map((d) => d.code),
    ).toEqual(['DUPLICATE_CAP']);
  });

  it('a cap no longer than the minimum gap never applies', () => {
    expect(
      policyDiagnostics(
        '{ country: FR }',
        '[{ channels: [sms], max: 2, per: 1h }, { channels: [email], max: 1, per: 2h }]\n  minGap: 1h',
      ).map((d) => [d.code, d.path]),
    ).toEqual([['CAP_REDUNDANT', 'frequencyCaps[0]']]);
  });

  it('lowers scope: debtor and minGap into the plan; a plan without them has neither field', () => {
    const withBoth = baseSources().map((s) =>
      s.path.endsWith('standard.policy.yaml')
        ? {
            ...s,
            text: s.text.replace(
              /  frequencyCaps:\n(    .*\n)+/,
              '  frequencyCaps: [{ channels: [email, sms], max: 2, per: 1d, scope: debtor }]\n  minGap: 90m\n',
            ),
          }
        : s,
    );
    const plan = [...compileSources(withBoth).plans.values()][0]!;
    expect(plan.policy.frequencyCaps).toEqual([
      { channels: ['email', 'sms'], max: 2, perMs: 86_400_000, onExceed: 'defer', scope: 'debtor' },
    ]);
    expect(plan.policy.minGapMs).toBe(90 * 60_000);
    const plain = [...compileSources(baseSources()).plans.values()][0]!;
    expect(plain.policy.frequencyCaps.every((c) => !('scope' in c))).toBe(true);
    expect('minGapMs' in plain.policy).toBe(false);
  });
});

describe('fixed-time until expressions', () => {
  it('reads debt.dueDate / debt.issuedAt ± a CEL duration as seconds after local midnight', () => {
    expect(fixedOffsetSeconds("debt.dueDate + duration('2h')")).toEqual({ field: 'dueDate', seconds: 7200 });
    expect(fixedOffsetSeconds('debt.issuedAt - duration("1h30m")')).toEqual({ field: 'issuedAt', seconds: -5400 });
    expect(fixedOffsetSeconds('debt.dueDate')).toEqual({ field: 'dueDate', seconds: 0 });
    expect(fixedOffsetSeconds("now + duration('2h')")).toBeUndefined();
    expect(fixedOffsetSeconds("debt.dueDate + duration('2h') + duration('1h')")).toBeUndefined();
    expect(fixedOffsetSeconds("debt.dueDate + duration('10ms')")).toBeUndefined();
  });
});
