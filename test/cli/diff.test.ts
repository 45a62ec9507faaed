import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchProject, settle } from './helpers.js';

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
