/**
 * `settle simulate --workers N`: the portfolio runs in blocks (src/simulate/blocks.ts) on worker
 * threads, and the report is the same whatever N (0: the calling thread) — the same timelines (SHA-256 of the debts' json
 * as it streams out) and the same summary — including a debtor whose debts sit in different blocks,
 * unreadable and invalid rows. The streamed json is the json report's `debts`, byte for byte.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compilePaths } from '../../src/compiler/index.js';
import { demoPortfolio } from '../../src/dev/portfolio.js';
import type { PortfolioRow } from '../../src/project/record.js';
import type { EnrollmentData } from '../../src/ir/index.js';
import { loadBehaviour } from '../../src/simulate/behaviour.js';
import { simulatePortfolio, type SimulationReport } from '../../src/simulate/simulate.js';
import { ROOT } from '../support/journeys.js';

const START = Date.parse('2026-11-23T09:00:00Z');
const compiled = compilePaths([join(ROOT, 'journeys')]);
const behaviour = loadBehaviour(join(ROOT, 'examples', 'simulate', 'behaviour.yaml'));
/** Small blocks: the same code paths as the default 500 rows, in less time. */
const BLOCK_ROWS = 60;

/** 2.5 blocks of demo debts; the debtor of row 3 has a second debt two blocks later; one row unreadable, one invalid. */
function portfolio(): PortfolioRow[] {
  const records: EnrollmentData[] = demoPortfolio(Math.floor(BLOCK_ROWS * 2.5), START, 7, 'W');
  const rows: PortfolioRow[] = records.map((record, i) => ({ line: i + 2, record }));
  const first = records[3]!;
  const second = { ...records[BLOCK_ROWS * 2 + 7]!, debtor: first.debtor, debtId: 'W-SECOND-OF-3' };
  rows[BLOCK_ROWS * 2 + 7] = { line: BLOCK_ROWS * 2 + 9, record: second };
  rows[BLOCK_ROWS + 1] = { line: BLOCK_ROWS + 3, error: 'unreadable row' };
  rows[BLOCK_ROWS + 2] = { line: BLOCK_ROWS + 4, record: { ...records[BLOCK_ROWS + 2]!, debt: {} } };
  return rows;
}

async function run(workers: number, keepDebts: boolean) {
  const rows = portfolio();
  const hash = createHash('sha256');
  let json = '';
  const report = await simulatePortfolio({
    plans: compiled.plans,
    project: compiled.project,
    rows: (async function* () {
      yield* rows;
    })(),
    startMs: START,
    days: 60,
    seed: 7,
    behaviour,
    keepDebts,
    workers,
    blockRows: BLOCK_ROWS,
    debtsJson: (chunk) => {
      hash.update(chunk);
      json += chunk;
    },
  });
  return { report, timelines: hash.digest('hex'), json, rows: rows.length };
}

/** The json report as `settle simulate --format json` printed it when it held every debt. */
function printed(report: SimulationReport): string {
  return JSON.stringify(report, null, 2);
}

describe('simulate --workers', () => {
  it('gives the same timelines (hash) and summary in this thread and with 2 and 3 workers', async () => {
    const one = await run(0, false);
    const two = await run(2, false);
    const three = await run(3, false);
    expect(one.report.summary.debts + one.report.summary.unmatched + one.report.summary.invalid.length).toBe(one.rows);
    expect(one.report.summary.invalid.map((i) => i.line)).toEqual([BLOCK_ROWS + 3, BLOCK_ROWS + 4]);
    expect(one.report.summary.sends.total).toBeGreaterThan(one.report.summary.debts);
    expect(two.timelines).toBe(one.timelines);
    expect(three.timelines).toBe(one.timelines);
    expect(two.report.summary).toEqual(one.report.summary);
    expect(three.report.summary).toEqual(one.report.summary);
    // The debtor's second debt, two blocks later, ran in the block of the first (its last row).
    const ids = [...one.json.matchAll(/^ {6}"debtId": "([^"]+)"/gm)].map((m) => m[1]);
    expect(ids).toHaveLength(one.report.summary.debts);
    expect(ids.indexOf('W-SECOND-OF-3')).toBeGreaterThan(ids.indexOf('W-00004'));
    expect(ids.indexOf('W-SECOND-OF-3')).toBeLessThanOrEqual(BLOCK_ROWS);
  }, 120_000);

  it('streams the json report’s debts byte for byte, and keeps them when asked (with workers too)', async () => {
    const streamed = await run(2, false);
    const kept = await run(2, true);
    expect(kept.report.debts).toHaveLength(kept.report.summary.debts);
    expect(kept.timelines).toBe(streamed.timelines);
    const whole = printed(kept.report);
    expect(whole).toBe(
      `{\n  "debts": [\n${streamed.json}\n  ],\n  "summary": ${JSON.stringify(kept.report.summary, null, 2).replaceAll('\n', '\n  ')}\n}`,
    );
  }, 120_000);
});
