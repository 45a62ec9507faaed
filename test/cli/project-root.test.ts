/**
 * A file or folder given to `settle validate` / `settle plan` is compiled against its own project:
 * the nearest folder holding an attributes.yaml (else the file's folder), never journeys/ by default.
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BASE } from '../corpus/corpus.js';
import { scratchProject, settle } from './helpers.js';

interface Json {
  files: number;
  diagnostics: { file: string; code: string; hint?: string }[];
}

/** The example project in journeys/, the corpus base in energy/ (its own attributes.yaml) and in plain/ without one. */
function twoProjects(): string {
  const dir = scratchProject();
  cpSync(BASE, join(dir, 'energy'), { recursive: true });
  cpSync(BASE, join(dir, 'plain'), { recursive: true });
  rmSync(join(dir, 'plain', 'attributes.yaml'));
  return dir;
}

async function validateJson(args: string[], cwd: string): Promise<{ code: number; data: Json }> {
  const r = await settle(['validate', ...args, '--format', 'json'], cwd);
  return { code: r.code, data: JSON.parse(r.stdout) as Json };
}

describe('a file argument compiles against its own project', () => {
  it('validates a journey of another folder with that folder’s templates, policies and attributes', async () => {
    const dir = twoProjects();
    const { code, data } = await validateJson(['energy/reminders.journey.yaml'], dir);
    expect(data).toEqual({ files: 1, diagnostics: [] });
    expect(code).toBe(0);
    // A folder inside the project belongs to it too.
    expect((await validateJson(['energy/templates'], dir)).data.diagnostics).toEqual([]);
  });

  it('plans a journey of another folder', async () => {
    const dir = twoProjects();
    const r = await settle(['plan', 'energy/reminders.journey.yaml', '--format', 'json'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { name: string; attributes: Record<string, string> }).attributes).toEqual({
      openInvoices: 'int',
      paymentHistory: 'string',
    });
  });

  it('names the project’s own folders in hints', async () => {
    const dir = twoProjects();
    const file = join(dir, 'energy', 'reminders.journey.yaml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8')
        .replace('template: reminder-email', 'template: no-such-template')
        .replace('policy: standard', 'policy: no-such-policy'),
    );
    const { data } = await validateJson(['energy/reminders.journey.yaml'], dir);
    expect(data.diagnostics.map((d) => [d.code, d.hint])).toEqual([
      ['UNKNOWN_POLICY', 'define it under energy/policies/'],
      ['UNKNOWN_TEMPLATE', 'define it under energy/templates/'],
    ]);
    const inside = await validateJson(['reminders.journey.yaml'], join(dir, 'energy'));
    expect(inside.data.diagnostics.map((d) => d.hint)).toEqual([
      'define it under policies/',
      'define it under templates/',
    ]);
  });

  it('takes the file’s folder as the project when no attributes.yaml is found', async () => {
    const dir = twoProjects();
    const { code, data } = await validateJson(['plain/reminders.journey.yaml'], dir);
    // Templates and the policy resolve in plain/; only the attribute, declared nowhere, is missing.
    expect(data.diagnostics.map((d) => [d.file, d.code, d.hint])).toEqual([
      [
        'plain/reminders.journey.yaml',
        'CEL_TYPE',
        'declare it in plain/attributes.yaml (kind: Attributes), e.g. openInvoices: string',
      ],
    ]);
    expect(code).toBe(1);
  });

  it('compiles each project on its own and reports the diagnostics of all arguments together', async () => {
    const dir = twoProjects();
    const { data } = await validateJson(
      ['energy/reminders.journey.yaml', 'plain/reminders.journey.yaml', 'journeys/late-stage.journey.yaml'],
      dir,
    );
    expect(data.files).toBe(3);
    expect(data.diagnostics.map((d) => `${d.file} ${d.code}`)).toEqual(['plain/reminders.journey.yaml CEL_TYPE']);
    // A folder holding several projects: each is compiled apart (energy/ and journeys/ both define
    // a template named final-notice, which would be a DUPLICATE_NAME in one compile).
    mkdirSync(join(dir, 'all'));
    cpSync(join(dir, 'energy'), join(dir, 'all', 'energy'), { recursive: true });
    cpSync(join(dir, 'journeys'), join(dir, 'all', 'journeys'), { recursive: true });
    const all = await validateJson(['all'], dir);
    expect(all.data.diagnostics).toEqual([]);
    expect(all.code).toBe(0);
  });
});
