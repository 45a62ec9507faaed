/**
 * `settle simulate --workers N` from the installed command (bin/settle.js → dist/): the worker
 * threads load the compiled dist/simulate/pool-worker.js (no TypeScript at run time), and the json
 * report is the same with 1 and 2 workers. Built as `npm run build` does, into a scratch copy of
 * the package (the repository's own dist/ is left alone).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoPortfolio } from '../../src/dev/portfolio.js';
import { BLOCK_ROWS } from '../../src/simulate/blocks.js';
import type { SimulationReport } from '../../src/simulate/simulate.js';
import { ROOT } from '../cli/helpers.js';

const START = '2026-11-23T09:00:00Z';

describe('settle simulate --workers from dist', () => {
  it('runs its workers from the compiled JS, with the same report as one worker', () => {
    const dir = mkdtempSync(join(tmpdir(), 'settle-sim-bin-'));
    mkdirSync(join(dir, 'bin'));
    cpSync(join(ROOT, 'bin', 'settle.js'), join(dir, 'bin', 'settle.js'));
    cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
    cpSync(join(ROOT, 'journeys'), join(dir, 'journeys'), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const build = spawnSync(
      process.execPath,
      [tsc, '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', join(dir, 'dist'), '--declaration', 'false'],
      { encoding: 'utf8' },
    );
    // tsc emits even when another part of the tree has a type error: what matters here is the JS.
    expect(existsSync(join(dir, 'dist', 'simulate', 'pool-worker.js')), build.stdout + build.stderr).toBe(true);
    expect(existsSync(join(dir, 'dist', 'simulate', 'pool-worker.ts'))).toBe(false);

    const records = demoPortfolio(BLOCK_ROWS + 100, Date.parse(START), 7, 'D');
    writeFileSync(join(dir, 'portfolio.json'), JSON.stringify(records));
    const simulate = (workers: string) =>
      spawnSync(
        process.execPath,
        [
          join(dir, 'bin', 'settle.js'),
          'simulate',
          '--portfolio',
          'portfolio.json',
          '--start',
          START,
          '--days',
          '20',
          '--format',
          'json',
          '--workers',
          workers,
        ],
        { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28 },
      );
    const one = simulate('1');
    expect(one.stderr).toBe('');
    expect(one.status).toBe(0);
    const two = simulate('2');
    expect(two.stderr).toBe('');
    expect(two.status).toBe(0);
    expect(two.stdout).toBe(one.stdout);
    const report = JSON.parse(one.stdout) as SimulationReport;
    expect(report.summary.debts).toBe(records.length - report.summary.unmatched);
    expect(report.debts).toHaveLength(report.summary.debts);
  }, 300_000);
});
