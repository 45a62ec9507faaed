/**
 * `settle simulate` in-process on the example portfolio and journeys: every format, the json
 * shape of the issue, determinism per seed, segment routing as `settle enroll` does it, the
 * behaviour model's errors and the usage errors.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SimulationReport } from '../../src/simulate/simulate.js';
import { settle } from '../cli/helpers.js';

const BASE = ['simulate', '--portfolio', 'examples/portfolio.csv', '--start', '2026-11-23T09:00:00Z', '--days', '60'];
const BEHAVIOUR = ['--behaviour', 'examples/simulate/behaviour.yaml'];

async function json(extra: string[]): Promise<SimulationReport> {
  const r = await settle([...BASE, ...extra, '--format', 'json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as SimulationReport;
}

const TYPES = new Set(['send', 'deferred', 'blocked', 'webhook', 'event', 'exit']);

describe('settle simulate', () => {
  it('json: one entry per routed debt with its UTC timeline, and the summary', async () => {
    const r = await json([]);
    expect(r.debts).toHaveLength(33);
    expect(r.summary.debts).toBe(33);
    for (const d of r.debts) {
      expect(Object.keys(d).sort()).toEqual([
        'debtId',
        'events',
        'journey',
        'outcome',
        'path',
        'segment',
        'variant',
        'version',
      ]);
      for (const e of d.events) {
        expect(e.at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
        expect(TYPES.has(e.type)).toBe(true);
        expect(typeof e.step).toBe('string');
      }
      const ats = d.events.map((e) => e.at);
      expect([...ats].sort()).toEqual(ats);
      // --behaviour none: nobody answers, so no engagement event and nobody pays.
      expect(d.events.some((e) => e.type === 'event')).toBe(false);
      expect(d.outcome).not.toBe('paid');
    }
    const s = r.summary;
    expect(s.sendsPerDay).toHaveLength(61); // 09:00 to 09:00, 60 days later: 61 calendar days in UTC
    expect(s.sendsPerDay.reduce((a, d) => a + d.email + d.sms, 0)).toBe(s.sends.total);
    const sent = r.debts.flatMap((d) => d.events.filter((e) => e.type === 'send' && e.reason === undefined));
    expect(sent).toHaveLength(s.sends.total);
    const blocked = r.debts.flatMap((d) => d.events.filter((e) => e.type === 'blocked'));
    expect(Object.values(s.blocks).reduce((a, b) => a + b, 0)).toBe(blocked.length);
    expect(s.blocks.noConsent).toBeGreaterThan(0);
    expect(Object.values(s.outcomes).reduce((a, b) => a + b, 0)).toBe(33);
    expect(s.funnel.paid).toBe(0);
    expect(s.amountCollected).toEqual({});
  });

  it('deferrals by reason and country: they add up to the deferrals by reason; Thanksgiving defers US debtors only', async () => {
    const r = await json([]);
    const s = r.summary;
    expect(Object.keys(s.deferralsByCountry).sort()).toEqual(Object.keys(s.deferrals).sort());
    for (const [reason, byCountry] of Object.entries(s.deferralsByCountry))
      expect(
        Object.values(byCountry).reduce((a, b) => a + b, 0),
        reason,
      ).toBe(s.deferrals[reason]);
    // Thursday 26 November 2026: three US debtors' SMS wait for Friday under us-reg-f; debts handed
    // over to later journeys meet Christmas and New Year too (any country).
    const thanksgiving = r.debts.flatMap((d) =>
      d.events.filter((e) => e.type === 'deferred' && e.reason === 'holiday' && e.at.startsWith('2026-11-26')),
    );
    expect(thanksgiving).toHaveLength(3);
    expect(s.deferralsByCountry['holiday']?.['US']).toBeGreaterThanOrEqual(3);
    // Both example policies keep an hour between two messages to one person (minGap: 1h).
    expect(Object.keys(s.deferralsByCountry['minGap'] ?? {}).sort()).toEqual(['BE', 'DE', 'FR', 'GB', 'NL', 'US']);
    const text = await settle(BASE);
    expect(text.stdout).toMatch(/\nDeferrals by reason and country\nreason +BE +DE +FR +GB +NL +US +total\n/);
    expect(text.stdout).toMatch(/\nholiday( +\d+)+\n/);
  });

  it('routes each debt as settle enroll does (first matching segment by priority)', async () => {
    const r = await json([]);
    // Where each debt was enrolled: the first journey of its path (hand-overs move it on later).
    const journeyOf = new Map(r.debts.map((d) => [d.debtId, d.path[0]?.journey ?? d.journey]));
    expect(journeyOf.get('TN-FR-2026-118204')).toBe('pre-due-reminder'); // due on the start day
    expect(journeyOf.get('TN-FR-2026-117650')).toBe('soft-collection'); // 2 days late, good payer
    expect(journeyOf.get('LS-FR-2026-00311')).toBe('late-stage'); // 16 days late, bad payer, 7250
    expect(journeyOf.get('HS-GB-2026-30011')).toBe('late-stage'); // 78 days late
    expect(journeyOf.get('TN-US-2026-76644')).toBe('soft-collection'); // 33 days late but a good payer (≤ 45)
    expect(Object.fromEntries(Object.entries(r.summary.journeys).map(([k, v]) => [k, v.debts]))).toEqual({
      // Nobody answers (--behaviour none): each debt goes on to the next journey, counted once in each.
      'late-stage': 11 + 15 + 7,
      'pre-due-reminder': 7,
      'soft-collection': 15 + 7,
    });
    const path = (id: string) => [...r.debts.find((d) => d.debtId === id)!.path.map((l) => l.journey)];
    expect(path('TN-FR-2026-118204')).toEqual(['pre-due-reminder', 'soft-collection']);
    expect(r.debts.find((d) => d.debtId === 'TN-FR-2026-118204')!.journey).toBe('late-stage');
  });

  it('is deterministic per seed, and the seed changes the responses', async () => {
    const a = await json([...BEHAVIOUR, '--seed', '42']);
    const b = await json([...BEHAVIOUR, '--seed', '42']);
    const c = await json([...BEHAVIOUR, '--seed', '43']);
    expect(b).toEqual(a);
    // The json report streamed to --out is the one printed on stdout.
    const out = join(mkdtempSync(join(tmpdir(), 'settle-sim-')), 'report.json');
    const written = await settle([...BASE, ...BEHAVIOUR, '--seed', '42', '--format', 'json', '--out', out]);
    expect(written.code).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(a);
    expect(c.debts.map((d) => d.events)).not.toEqual(a.debts.map((d) => d.events));
    expect(a.summary.behaviour).toBe('retail-baseline');
    expect(a.summary.funnel.delivered).toBeGreaterThan(0);
    expect(a.summary.funnel.paid).toBeGreaterThan(0);
    expect(a.summary.cost.currency).toBe('EUR');
    // SMS are billed per segment: every SMS takes at least one, some of this portfolio's take two.
    expect(a.summary.smsSegments).toBeGreaterThan(a.summary.sends.sms);
    expect(a.summary.cost.total).toBeCloseTo(a.summary.sends.email * 0.0008 + a.summary.smsSegments * 0.0725, 6);
    const paid = a.debts.filter((d) => d.events.some((e) => e.type === 'event' && e.reason === 'paid'));
    expect(paid.length).toBe(a.summary.funnel.paid);
    for (const d of paid) expect(d.events.at(-1)).toMatchObject({ type: 'exit' });
    for (const v of a.summary.variants) expect(v.conversion).toBeCloseTo(v.paid / v.debts, 4);
  });

  it('text and md print the summary as tables; --cost overrides the model', async () => {
    const text = await settle([...BASE, '--cost', 'sms=0.1', '--cost', 'email=0.01', '--currency', 'USD']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      /^33 debts simulated from 2026-11-23T09:00:00.000Z to 2027-01-22T09:00:00.000Z \(60 days\), behaviour none, seed 1/,
    );
    for (const title of [
      'Sends per day (UTC)',
      'Deferrals and blocks by reason',
      'Outcomes',
      'Funnel',
      'Money',
      'Journeys',
    ]) {
      expect(text.stdout).toContain(`\n${title}\n`);
    }
    expect(text.stdout).toMatch(/cost, total\s+\d+\.\d\d USD/);
    const md = await settle([...BASE, '--format', 'md']);
    expect(md.stdout).toContain('### Sends per day (UTC)\n\n| date | email | sms | total |\n| --- | --- | --- | --- |');
    expect(md.stdout).toContain('| soft-collection | 3 | 22 |');
  });

  it('html goes to --out as one self-contained file with its charts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'settle-sim-'));
    const out = join(dir, 'report.html');
    const r = await settle([...BASE, ...BEHAVIOUR, '--format', 'html', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/33 debts simulated; report written to/);
    const html = readFileSync(out, 'utf8');
    for (const id of ['chart-sends', 'chart-funnel', 'chart-outcomes', 'chart-variants'])
      expect(html).toContain(`<svg id="${id}"`);
    expect(html).not.toMatch(/<script|<link|src=|url\(|@import/);
  });

  it('a behaviour file with mistakes: every problem with its line and column, exit 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'settle-sim-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      [
        'apiVersion: settle/v1',
        'kind: Behaviour',
        'metadata: { name: bad }',
        'spec:',
        '  default:',
        '    email:',
        '      opend: { p: 0.4 }',
        '      paid: { p: 1.5, after: 3 days }',
        '',
      ].join('\n'),
    );
    const r = await settle([...BASE, '--behaviour', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the behaviour model is invalid');
    // The compiler's diagnostics: file:line:col  error  CODE  message, a code frame, the fix.
    expect(r.stderr).toMatch(/bad\.yaml:7:7 {2}error {2}UNKNOWN_FIELD {2}unknown field `opend`/);
    expect(r.stderr).toMatch(/fix: did you mean `opened`\? {2}\(at default\.email\.opend\)/);
    expect(r.stderr).toMatch(/bad\.yaml:8:18 {2}error {2}OUT_OF_RANGE {2}`p` must be <= 1/);
    expect(r.stderr).toMatch(/bad\.yaml:8:30 {2}error {2}INVALID_DURATION {2}`after` has an invalid value `3 days`/);
    expect(r.stderr).toContain('> 8 |       paid: { p: 1.5, after: 3 days }');
  });

  it('usage errors exit 2 and say how to fix the flag', async () => {
    const cases: [string[], RegExp][] = [
      [['simulate', '--start', '2026-11-23T09:00:00Z', '--days', '5'], /--portfolio FILE is required/],
      [
        ['simulate', '--portfolio', 'examples/portfolio.csv', '--start', '2026-11-23', '--days', '5'],
        /--start must be an ISO instant with a zone/,
      ],
      [
        ['simulate', '--portfolio', 'examples/portfolio.csv', '--start', '2026-11-23T09:00:00Z', '--days', '0'],
        /--days must be a whole number/,
      ],
      [[...BASE, '--format', 'pdf'], /--format must be one of text, json, md, html/],
      [[...BASE, '--cost', 'fax=1'], /--cost takes CHANNEL=PRICE/],
      [[...BASE, '--behaviour', 'nowhere.yaml'], /nowhere\.yaml: no such behaviour file/],
      [[...BASE, '--workers', '0'], /--workers must be a whole number from 1 to 256/],
    ];
    for (const [args, message] of cases) {
      const r = await settle(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });
});
