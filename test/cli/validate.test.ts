import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROOT, scratchProject, settle } from './helpers.js';

const TSX_LOADER = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

describe('settle validate', () => {
  it('passes on the example journeys', async () => {
    const r = await settle(['validate']);
    expect(r.stdout).toMatch(/^✔ \d+ files valid/m);
    expect(r.code).toBe(0);
  });

  it('reports every problem at once, located, with a code frame and a fix', async () => {
    const dir = scratchProject();
    const file = join(dir, 'journeys', 'broken.journey.yaml');
    writeFileSync(
      file,
      [
        '# yaml-language-server: $schema=../schemas/journey.schema.json',
        'apiVersion: settle/v1',
        'kind: Journey',
        'metadata: { name: broken, version: 1 }',
        'spec:',
        '  policy: eu-defualt',
        '  steps:',
        '    - id: hello',
        '      type: wait',
        '      duration: 3 days',
        '    - id: bye',
        '      type: exit',
        '      outcome: unresolved',
        '',
      ].join('\n'),
    );
    const r = await settle(['validate', 'journeys'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('journeys/broken.journey.yaml:10:17  error  INVALID_DURATION');
    expect(r.stdout).toContain('> 10 |       duration: 3 days');
    expect(r.stdout).toContain('fix: write a whole number followed by s, m (minutes), h, d or w');
    const json = await settle(['validate', 'journeys', '--format', 'json'], dir);
    const data = JSON.parse(json.stdout) as {
      diagnostics: { code: string; line: number; column: number; path: string; pointer: string }[];
    };
    // The schema error in one step does not hide the unknown policy elsewhere in the file.
    expect(data.diagnostics.map((d) => d.code)).toEqual(['UNKNOWN_POLICY', 'INVALID_DURATION']);
    expect(data.diagnostics[1]).toMatchObject({
      line: 10,
      column: 17,
      path: 'steps[hello].duration',
      pointer: '/spec/steps/0/duration',
    });
  });

  it('names unknown references with a did-you-mean hint', async () => {
    const dir = scratchProject();
    writeFileSync(
      join(dir, 'journeys', 'typo.journey.yaml'),
      'apiVersion: settle/v1\nkind: Journey\nmetadata: { name: typo, version: 1 }\nspec:\n  policy: eu-defualt\n  steps:\n    - { id: bye, type: exit, outcome: unresolved }\n',
    );
    const r = await settle(['validate', '--format', 'json'], dir);
    const d = (JSON.parse(r.stdout) as { diagnostics: { code: string; hint: string; line: number; column: number }[] })
      .diagnostics;
    expect(d).toEqual([
      expect.objectContaining({ code: 'UNKNOWN_POLICY', line: 5, column: 11, hint: 'did you mean `eu-default`?' }),
    ]);
  });

  it('exits 2 on usage errors and a missing path', async () => {
    expect((await settle(['validate', '--format', 'xml'])).code).toBe(2);
    expect((await settle(['validate', 'no/such/dir'])).code).toBe(2);
    expect((await settle(['frobnicate'])).code).toBe(2);
  });

  it('works as a process (the sources, through tsx) with real exit codes', () => {
    const cli = ['--import', TSX_LOADER, join(ROOT, 'src', 'cli', 'main.ts')];
    const ok = spawnSync(process.execPath, [...cli, 'validate', 'journeys'], { cwd: ROOT, encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('files valid');
    const bad = spawnSync(process.execPath, [...cli, 'validate', '--nope'], { cwd: ROOT, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('Usage: settle validate');
    expect(execFileSync(process.execPath, [...cli, '--help'], { encoding: 'utf8' })).toMatch(/^ {2}plan /m);
  });
});
