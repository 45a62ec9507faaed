/**
 * `settle diff OLD NEW --portfolio FILE`: the "what changes" section simulates the same portfolio
 * and seed against both versions and compares each journey.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, scratchProject, settle } from '../cli/helpers.js';

describe('settle diff --portfolio', () => {
  it('shows the forecast per changed journey, before vs after, and names the unchanged ones', async () => {
    const before = scratchProject();
    const after = scratchProject();
    const file = join(after, 'journeys', 'soft-collection.journey.yaml');
    // The SMS nudge goes and the journey waits instead: fewer SMS, more time in email.
    const text = readFileSync(file, 'utf8')
      .replace('version: 3', 'version: 4')
      .replace(
        /    - id: nudge-sms\n      type: send\n      channel: sms\n      template: overdue-nudge-sms\n/,
        '    - id: nudge-sms\n      type: wait\n      duration: 1d\n',
      );
    writeFileSync(file, text.replace(/(- id: nudge-sms\n {6}type: wait\n {6}duration: 1d\n)(?: {6}\w+:.*\n)+/, '$1'));
    const r = await settle([
      'diff',
      join(before, 'journeys'),
      join(after, 'journeys'),
      '--portfolio',
      join(ROOT, 'examples', 'portfolio.csv'),
      '--start',
      '2026-11-23T09:00:00Z',
      '--days',
      '60',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const section = r.stdout.slice(r.stdout.indexOf('## What changes (simulated forecast)'));
    expect(section).toContain('33 debts from 2026-11-23T09:00:00.000Z, 60 days, behaviour `none`, seed 1');
    expect(section).toContain('### soft-collection (v3 → v4)');
    const sms = /\| SMS sent \| (\d+) \| (\d+) \| −(\d+) \|/.exec(section);
    expect(sms, section).not.toBeNull();
    expect(Number(sms![1]) - Number(sms![2])).toBe(Number(sms![3]));
    // 15 debts enrolled in it and 7 handed over from pre-due-reminder.
    expect(section).toContain('| debts | 22 | 22 | — |');
    // Debts handed over on to late-stage carry the change with them; pre-due-reminder runs before it.
    expect(section).toContain('No change for `pre-due-reminder`.');
    // Deployed on day 7 (the default) while these debts run: kept on v3, or migrated to v4.
    expect(section).toContain('deploy the change on day 7 of the run');
    expect(section).toContain(
      '| | before | after | change | running, not migrated | running, migrated |'.replace('| |', '|  |'),
    );
    const moved = /\| moved by the migration \|  \|  \|  \| (\d+) \| (\d+) \|/.exec(
      section.slice(section.indexOf('### soft-collection')),
    );
    expect(moved, section).not.toBeNull();
    expect(Number(moved![1])).toBe(0);
    expect(Number(moved![2])).toBeGreaterThan(0);
    // Migrated journeys skip the SMS v4 removed: no more SMS than when they are kept on v3.
    const soft = section.slice(section.indexOf('### soft-collection'));
    const smsDeployed = /\| SMS sent \| \d+ \| \d+ \| [^|]+ \| (\d+) \| (\d+) \|/.exec(soft);
    expect(Number(smsDeployed![2])).toBeLessThanOrEqual(Number(smsDeployed![1]));
    expect(Number(smsDeployed![2])).toBeLessThan(Number(sms![1]));
  });

  it('--deploy-day none leaves the deploy columns out; a day outside the run is a usage error', async () => {
    const dir = join(scratchProject(), 'journeys');
    const common = ['diff', dir, dir, '--portfolio', join(ROOT, 'examples', 'portfolio.csv'), '--days', '20'];
    const none = await settle([...common, '--deploy-day', 'none']);
    expect(none.code).toBe(0);
    expect(none.stdout).toContain('## What changes (simulated forecast)');
    expect(none.stdout).not.toContain('running, migrated');
    const bad = await settle([...common, '--deploy-day', '20']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--deploy-day must be a whole day from 1 to 19 of the 20-day run, or none; got 20');
  });
});
