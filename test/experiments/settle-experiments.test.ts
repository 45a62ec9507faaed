/**
 * `settle experiments` against a real Prometheus: the worker's counters as a split left them,
 * scraped by Prometheus (the project's configuration and rules), read back over its HTTP API.
 */
import { createServer, type Server } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SplitReport } from '../../src/experiments/report.js';
import { fisherExactTwoSided } from '../../src/experiments/stats.js';
import { createProcessMetrics, startMetricsServer, type MetricsServer } from '../../src/metrics/index.js';
import { scratchProject, settle } from '../cli/helpers.js';
import { startPrometheus, type Prometheus } from '../metrics/prometheus-support.js';
import { eventually } from '../support/wait.js';
import { exit, journeyYaml, send, wait } from '../support/journey-yaml.js';

const TONE_TEST = journeyYaml({
  name: 'tone-test',
  version: 3,
  policy: 'eu-default',
  steps: [
    {
      id: 'tone',
      type: 'split',
      variants: [
        { name: 'direct', weight: 40, next: 'mail' },
        { name: 'friendly', weight: 40, next: 'mail' },
        { name: 'none-at-all', weight: 20, next: 'mail', holdout: true },
      ],
    },
    send('mail', 'email', 'overdue-friendly'),
    wait('pause', '5d'),
    exit('done', 'unresolved'),
  ],
});

/** Journeys ended per variant: [variant, ended, paid, recovered EUR, written off EUR]. */
const TONE: [string, number, number, number, number][] = [
  ['direct', 25, 9, 1_800, 3_200],
  ['friendly', 18, 3, 450, 2_250],
  ['none-at-all', 20, 2, 300, 2_700],
];

let dir: string;
let metrics: MetricsServer;
let empty: Server;
let prom: Prometheus;

beforeAll(async () => {
  dir = scratchProject();
  writeFileSync(join(dir, 'journeys', 'tone-test.journey.yaml'), TONE_TEST);
  const pm = createProcessMetrics();
  const m = pm.metrics;
  for (const [variant, ended, paid, recovered, writtenOff] of TONE) {
    const labels = { journey: 'tone-test', version: '3', segment: 'none', variant };
    m.journeysCompleted.inc({ ...labels, outcome: 'paid' }, paid);
    m.journeysCompleted.inc({ ...labels, outcome: 'unresolved' }, ended - paid);
    m.amountRecovered.inc({ ...labels, currency: 'EUR' }, recovered);
    m.amountWrittenOff.inc({ ...labels, currency: 'EUR' }, writtenOff);
  }
  // The example journey's split, in two segments; and journeys outside any split (not an arm).
  for (const [segment, variant, paid, other] of [
    ['good', 'loss-aversion', 3, 2],
    ['risky', 'loss-aversion', 2, 3],
    ['good', 'social-proof', 4, 6],
  ] as const) {
    const labels = { journey: 'soft-collection', version: '2', segment, variant };
    m.journeysCompleted.inc({ ...labels, outcome: 'paid' }, paid);
    m.journeysCompleted.inc({ ...labels, outcome: 'escalated' }, other);
  }
  m.journeysCompleted.inc(
    { journey: 'soft-collection', version: '2', segment: 'good', variant: 'none', outcome: 'paid' },
    7,
  );
  metrics = await startMetricsServer(pm.registry, { host: '127.0.0.1', port: 0 });
  empty = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(''));
  await new Promise<void>((r) => empty.listen(0, '127.0.0.1', () => r()));
  const nothing = `127.0.0.1:${(empty.address() as { port: number }).port}`;
  prom = await startPrometheus({
    worker: metrics.url.replace('http://', ''),
    server: nothing,
    'temporal-sdk': nothing,
    'temporal-server': nothing,
  });
  await eventually(async () => {
    const [s] = await prom.query('sum(settle_journeys_completed_total)');
    expect(s?.value).toBe(25 + 18 + 20 + 5 + 5 + 10 + 7);
  });
}, 60_000);

afterAll(async () => {
  await prom?.stop();
  await metrics?.close();
  await new Promise<void>((r) => (empty ? empty.close(() => r()) : r()));
});

describe('settle experiments (real Prometheus)', () => {
  it('reports each split per variant against its holdout, with intervals, tests, verdicts and money', async () => {
    const r = await settle(['experiments', '--prometheus', prom.url, '--dir', 'journeys', '--format', 'json'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const reports = JSON.parse(r.stdout) as SplitReport[];
    expect(reports.map((x) => `${x.journey} v${x.version} ${x.split} ${x.control} ${x.holdout}`)).toEqual([
      'soft-collection v2 subject-test loss-aversion false',
      'tone-test v3 tone none-at-all true',
    ]);
    const tone = reports[1]!;
    const arm = (v: string) => tone.arms.find((a) => a.variant === v)!;
    expect(tone.arms.map((a) => [a.variant, a.debts, a.paid])).toEqual([
      ['direct', 25, 9],
      ['friendly', 18, 3],
      ['none-at-all', 20, 2],
    ]);
    expect(arm('none-at-all').verdict).toBe('control');
    expect(arm('direct').pValue).toBeCloseTo(fisherExactTwoSided(9, 16, 2, 18), 12);
    expect(arm('direct').amounts).toEqual({ EUR: { recovered: 1_800, atStake: 5_000, rate: 0.36 } });
    expect(arm('friendly').amounts.EUR).toEqual({ recovered: 450, atStake: 2_700, rate: 450 / 2_700 });
    // Wilson 95 % of 9 / 25 (Newcombe 1998's method): 0.2025 – 0.5548.
    expect(arm('direct').interval.low).toBeCloseTo(0.2025, 4);
    expect(arm('direct').interval.high).toBeCloseTo(0.5548, 4);
    // The example journey's split sums its segments: loss-aversion 5 of 10, social-proof 4 of 10.
    const soft = reports[0]!;
    expect(soft.arms.map((a) => [a.variant, a.debts, a.paid])).toEqual([
      ['loss-aversion', 10, 5],
      ['social-proof', 10, 4],
    ]);
    expect(soft.arms[1]!.verdict).toMatch(
      /^not significant yet \(p = 1\.00, 40\.0% vs 50\.0%\): about \d+ more debts per arm/,
    );
  }, 60_000);

  it('compares with another control on request, and says how many more debts a split needs (text)', async () => {
    const r = await settle(
      ['experiments', 'tone-test', '--prometheus', prom.url, '--dir', 'journeys', '--control', 'friendly'],
      dir,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('tone-test v3 · split tone · control: friendly\n');
    // The split: direct 36.0 % vs friendly 16.7 % on 25 and 18 debts, p ≈ 0.19 (Fisher).
    expect(r.stdout).toContain(
      'direct: not significant yet (p = 0.19, 36.0% vs 16.7%): about 63 more debts per arm to detect this difference',
    );
    expect(r.stdout).toMatch(
      /direct +25 +9 +36\.0 % +20\.2 % – 55\.5 % +1,800\.00 of 5,000\.00 EUR \(36\.0 %\) +0\.191/,
    );
    expect(r.stdout).not.toContain('soft-collection');
  }, 60_000);

  it('without plans, groups a journey version by name (control: a variant named holdout or control, else the first)', async () => {
    const r = await settle(['experiments', '--prometheus', prom.url, '--format', 'json'], '/');
    expect(r.code).toBe(0);
    const reports = JSON.parse(r.stdout) as SplitReport[];
    expect(reports.map((x) => `${x.journey} ${x.split ?? '-'} ${x.control}`)).toEqual([
      'soft-collection - loss-aversion',
      'tone-test - direct',
    ]);
  }, 60_000);

  it('says so when Prometheus does not answer (exit 3)', async () => {
    const r = await settle(['experiments', '--prometheus', 'http://127.0.0.1:9', '--dir', 'journeys'], dir);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('Prometheus at http://127.0.0.1:9 did not answer');
  });
});
