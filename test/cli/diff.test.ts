import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, scratchProject, settle } from './helpers.js';

function edit(file: string, from: string | RegExp, to: string): void {
  const text = readFileSync(file, 'utf8');
  const next = text.replace(from, to);
  if (next === text) throw new Error(`edit did not apply to ${file}`);
  writeFileSync(file, next);
}

function bumpVersion(file: string): void {
  const text = readFileSync(file, 'utf8');
  writeFileSync(
    file,
    text.replace(/^(\s*version:\s*)(\d+)/m, (_m, a: string, v: string) => `${a}${Number(v) + 1}`),
  );
}

describe('settle diff OLD NEW', () => {
  it('fails with a ❌ line when a template change alters a journey without a version bump', async () => {
    const before = scratchProject();
    const after = scratchProject();
    edit(
      join(after, 'journeys/templates/overdue-friendly.template.yaml'),
      /Hi \{\{ debtor\.firstName \}\},/,
      'Hello {{ debtor.firstName }},',
    );
    const r = await settle(['diff', join(before, 'journeys'), join(after, 'journeys')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('❌');
    expect(r.stdout).toContain('soft-collection');
    expect(r.stdout).toContain('overdue-friendly');
    expect(r.stdout).toMatch(/^-.*Hi \{\{ debtor\.firstName \}\}/m);
    expect(r.stdout).toMatch(/^\+.*Hello \{\{ debtor\.firstName \}\}/m);
  });

  it('passes once the journey version increases, and shows timing changes and graphs', async () => {
    const before = scratchProject();
    const after = scratchProject();
    const journey = join(after, 'journeys/soft-collection.journey.yaml');
    edit(journey, /timeout: 3d/, 'timeout: 4d');
    bumpVersion(journey);
    const r = await settle(['diff', join(before, 'journeys'), join(after, 'journeys')]);
    expect(r.stdout).not.toContain('❌');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/3d.*4d/);
    expect(r.stdout).toContain('```mermaid');
  });

  it('reports nothing to fix for identical trees', async () => {
    const a = scratchProject();
    const r = await settle(['diff', join(a, 'journeys'), join(a, 'journeys')]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('❌');
  });
});

describe('settle diff --base REF', () => {
  it('compares the working tree with a git revision', async () => {
    const dir = scratchProject();
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
    git('init', '-q', '-b', 'main');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.test', 'add', '.');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.test', 'commit', '-qm', 'base');
    edit(join(dir, 'journeys/late-stage.journey.yaml'), /timeout: (\d+)d/, 'timeout: 9d');
    const r = await settle(['diff', '--base', 'HEAD'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('late-stage');
    expect(r.stdout).toContain('❌');
    expect((await settle(['diff', '--base', 'no-such-ref'], dir)).code).toBe(2);
  });
});

/** A scratch project with twelve more journeys, copies of soft-collection sharing its templates. */
function fleetProject(): string {
  const dir = scratchProject();
  const source = readFileSync(join(dir, 'journeys/soft-collection.journey.yaml'), 'utf8');
  for (let i = 1; i <= 12; i++) {
    const name = `soft-collection-${String(i).padStart(2, '0')}`;
    const text = source.replace(/^(\s*name:\s*)soft-collection\s*$/m, `$1${name}`);
    if (text === source) throw new Error('journey name not found');
    writeFileSync(join(dir, `journeys/${name}.journey.yaml`), text);
  }
  return dir;
}

describe('settle diff on a project of 13 journeys sharing templates', () => {
  it('shows a one-word template change once, rendered with its SMS segments, and no graphs', async () => {
    const before = fleetProject();
    const after = fleetProject();
    edit(join(after, 'journeys/templates/soft-reminder-sms.template.yaml'), /: Hi \{\{/, ': Hello {{');
    const record = join(ROOT, 'examples/records/mary-smith.json');
    const r = await settle(['diff', join(before, 'journeys'), join(after, 'journeys'), '--record', record]);
    expect(r.stdout.length).toBeLessThan(20_000);
    expect(r.stdout.split('+{{ debt.creditor').length - 1).toBe(1);
    expect(r.stdout).toMatch(
      /#### `soft-reminder-sms` — changed, in 13 journeys: `soft-collection`, `soft-collection-01`/,
    );
    expect(r.stdout).toMatch(/^-Telco Nova: Hi Mary, friendly reminder: invoice US-2026-55310/m);
    expect(r.stdout).toMatch(/^\+Telco Nova: Hello Mary, friendly reminder: invoice US-2026-55310/m);
    expect(r.stdout).toMatch(/SMS length: \d+ chars, 1 segment → \d+ chars, 1 segment \(\+3 chars, \+0 segments\)/);
    expect(r.stdout).not.toContain('```mermaid');
  });

  it('keeps the comment under --max-chars when every graph changes, and writes the full report', async () => {
    const before = fleetProject();
    const after = fleetProject();
    for (const f of readdirSync(join(after, 'journeys')).filter((x) => x.startsWith('soft-collection'))) {
      const file = join(after, 'journeys', f);
      edit(file, /timeout: 3d/, 'timeout: 4d');
      bumpVersion(file);
    }
    edit(
      join(after, 'journeys/templates/soft-reminder-sms.template.yaml'),
      /is still open/,
      'is still open and we would really like to hear from you about it soon, thank you',
    );
    const full = join(after, 'full.md');
    const r = await settle([
      'diff',
      join(before, 'journeys'),
      join(after, 'journeys'),
      '--max-chars',
      '60000',
      '--full-out',
      full,
      '--cut-note',
      'The full report is the settle-diff artifact.',
    ]);
    expect(r.code).toBe(0);
    const fullText = readFileSync(full, 'utf8');
    expect(fullText.length).toBeGreaterThan(60_000);
    expect(fullText.split('```mermaid').length - 1).toBe(26);
    expect(r.stdout.length).toBeLessThanOrEqual(60_000);
    expect(r.stdout).toContain('The full report is the settle-diff artifact.');
    expect(r.stdout).toMatch(/1 segment → .*2 segments .*⚠️ more segments/);
  });
});
