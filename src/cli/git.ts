/** Reads the YAML sources of a directory as they were at a git revision (for `settle diff --base`). */
import { execFileSync } from 'node:child_process';
import { relative, resolve, sep } from 'node:path';
import type { SourceFile } from '../compiler/index.js';
import { CliError, EXIT } from './io.js';

function git(args: string[], cwd: string): string {
  try {
    return execFileSync('git', args, {
      cwd,
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (e) {
    const stderr = (e as { stderr?: string }).stderr?.trim();
    throw new CliError(`git ${args[0]} failed: ${stderr || (e as Error).message}`, EXIT.usage);
  }
}

export function sourcesAtRevision(ref: string, dir: string, cwd: string): SourceFile[] {
  const top = git(['rev-parse', '--show-toplevel'], cwd).trim();
  git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], cwd);
  const inRepo = relative(top, resolve(cwd, dir)).split(sep).join('/');
  const listed = git(['ls-tree', '-r', '--name-only', '-z', ref, '--', inRepo || '.'], top)
    .split('\0')
    .filter((p) => /\.ya?ml$/i.test(p));
  return listed.map((p) => ({
    path: relative(cwd, resolve(top, p)).split(sep).join('/'),
    text: git(['show', `${ref}:${p}`], top),
  }));
}
