import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/cli/main.js';

export const ROOT = join(import.meta.dirname, '..', '..');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the settle CLI in-process, as a user would from `cwd`. */
export async function settle(
  args: string[],
  cwd = ROOT,
  nowMs = Date.parse('2026-11-23T10:00:00Z'),
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await run(
    args,
    { out: (s) => (stdout += s), err: (s) => (stderr += s), color: false, cwd },
    { publicUrl: 'https://pay.example.test', nowMs },
  );
  return { code, stdout, stderr };
}

/** A scratch copy of the example project (journeys/ and schemas/), to change freely. */
export function scratchProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'settle-cli-'));
  cpSync(join(ROOT, 'journeys'), join(dir, 'journeys'), { recursive: true });
  cpSync(join(ROOT, 'schemas'), join(dir, 'schemas'), { recursive: true });
  return dir;
}
