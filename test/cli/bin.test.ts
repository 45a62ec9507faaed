/**
 * bin/settle.js, the installed command, runs the compiled CLI (dist/) and never TypeScript: built
 * here as `npm run build` does (tsc -p tsconfig.build.json) into a scratch copy of the package, so
 * the repository's own dist/ is left alone. Without dist/ it says how to build it, in one line.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';

function scratchPackage(): string {
  const dir = mkdtempSync(join(tmpdir(), 'settle-bin-'));
  mkdirSync(join(dir, 'bin'));
  cpSync(join(ROOT, 'bin', 'settle.js'), join(dir, 'bin', 'settle.js'));
  cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

const bin = (dir: string, args: string[]) =>
  spawnSync(process.execPath, [join(dir, 'bin', 'settle.js'), ...args], { cwd: dir, encoding: 'utf8' });

describe('bin/settle.js', () => {
  it('answers --version and --help from the build', () => {
    const dir = scratchPackage();
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const build = spawnSync(
      process.execPath,
      [tsc, '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', join(dir, 'dist'), '--declaration', 'false'],
      { encoding: 'utf8' },
    );
    expect(build.status, build.stdout + build.stderr).toBe(0);
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const v = bin(dir, ['--version']);
    expect(v.stderr).toBe('');
    expect([v.status, v.stdout]).toEqual([0, `${version}\n`]);
    const help = bin(dir, ['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: settle [options] [command]');
    expect(help.stdout).toMatch(/^ {2}validate /m);
    const validateHelp = bin(dir, ['validate', '--help']);
    expect(validateHelp.status).toBe(0);
    expect(validateHelp.stdout).toContain('--format <format>');
  }, 180_000);

  it('without a build says to run npm run build, and exits 2', () => {
    const r = bin(scratchPackage(), ['--help']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('settle: the compiled CLI (dist/cli/main.js) is missing: run npm run build\n');
  });
});
