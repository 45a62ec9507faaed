/** The settle CLI in-process with an explicit environment, and as a real child process. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { run } from '../../src/cli/main.js';

export const ROOT = join(import.meta.dirname, '..', '..');

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

export async function settle(args: string[], vars: Record<string, string | undefined>, cwd = ROOT): Promise<Result> {
  let stdout = '';
  let stderr = '';
  const code = await run(
    args,
    { out: (s) => (stdout += s), err: (s) => (stderr += s), color: false, cwd },
    { publicUrl: 'http://127.0.0.1:8080', nowMs: Date.now(), vars },
  );
  return { code, stdout, stderr };
}

const TSX_LOADER = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

/** Runs a TypeScript entry point (`src/cli/main.ts`, `scripts/build-workflow-bundle.ts`) as its own process with only `vars`. */
export function runProcess(entry: string, args: string[], vars: Record<string, string>, cwd = ROOT): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX_LOADER, join(ROOT, entry), ...args], {
      cwd,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...vars },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
