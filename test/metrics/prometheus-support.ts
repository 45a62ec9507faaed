/**
 * A real Prometheus (Debian's package) for the metrics tests: started on loopback in a temporary
 * directory with grafana/prometheus/prometheus.yml rewritten to the test's ports, the project's
 * rule files loaded and a 1 s scrape and evaluation interval; queried over its HTTP API.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { freePort } from '../support/temporal.js';
import { eventually } from '../support/wait.js';

export const GRAFANA = join(import.meta.dirname, '..', '..', 'grafana');

export interface Sample {
  metric: Record<string, string>;
  value: number;
}

export interface Prometheus {
  url: string;
  /** Instant query at `time` (epoch seconds, ms precision) or now. */
  query(expr: string, time?: number): Promise<Sample[]>;
  /** The timestamp (epoch s) of the last scrape of a job. */
  lastScrape(job: string): Promise<number>;
  stop(): Promise<void>;
}

interface ScrapeConfig {
  job_name: string;
  static_configs: { targets: string[] }[];
}

/** grafana/prometheus/prometheus.yml with each job's target replaced and the rule files made absolute. */
export function testConfig(targets: Record<string, string>): string {
  const config = parse(readFileSync(join(GRAFANA, 'prometheus', 'prometheus.yml'), 'utf8')) as {
    global: Record<string, string>;
    rule_files: string[];
    scrape_configs: ScrapeConfig[];
  };
  config.global = { scrape_interval: '1s', evaluation_interval: '1s' };
  config.rule_files = [join(GRAFANA, 'prometheus', 'rules', '*.yml')];
  for (const job of config.scrape_configs) {
    const target = targets[job.job_name];
    if (target === undefined) throw new Error(`no test target for job ${job.job_name}`);
    job.static_configs = [{ targets: [target] }];
  }
  return stringify(config);
}

export async function startPrometheus(targets: Record<string, string>): Promise<Prometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'settle-prometheus-'));
  writeFileSync(join(dir, 'prometheus.yml'), testConfig(targets));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const log: string[] = [];
  const child: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=1h',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  child.stderr!.on('data', (b: Buffer) => log.push(b.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`prometheus exited: ${log.join('').slice(-2000)}`);
        const r = await fetch(`${url}/-/ready`);
        if (r.status !== 200) throw new Error(`not ready: ${r.status}`);
      },
      { timeoutMs: 30_000 },
    );
  } catch (e) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }

  async function query(expr: string, time?: number): Promise<Sample[]> {
    const params = new URLSearchParams({ query: expr, ...(time !== undefined && { time: time.toFixed(3) }) });
    const res = await fetch(`${url}/api/v1/query?${params}`);
    const body = (await res.json()) as {
      status: string;
      error?: string;
      data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
    };
    if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
    if (body.data!.resultType === 'scalar') {
      const v = body.data!.result as unknown as [number, string];
      return [{ metric: {}, value: Number(v[1]) }];
    }
    return body.data!.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
  }

  return {
    url,
    query,
    async lastScrape(job) {
      const [s] = await query(`timestamp(up{job="${job}"})`);
      if (!s) throw new Error(`job ${job} not scraped`);
      return s.value;
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Every panel query of a dashboard JSON: title, refId and expression. */
export function panelQueries(board: unknown): { title: string; refId: string; expr: string }[] {
  const panels = (board as { panels: { type: string; title: string; targets?: { refId: string; expr: string }[] }[] })
    .panels;
  return panels
    .filter((p) => p.type !== 'row')
    .flatMap((p) => (p.targets ?? []).map((t) => ({ title: p.title, refId: t.refId, expr: t.expr })));
}

/** Grafana's template variables as a test evaluates them: every value (`.*`) and wide windows. */
export function substitute(expr: string, windows: { range: string; rateInterval: string }): string {
  return expr
    .replace(/\$__rate_interval/g, windows.rateInterval)
    .replace(/\$__range/g, windows.range)
    .replace(/\$(journey|version|channel|segment)\b/g, '.*');
}

/** Prometheus's histogram_quantile over cumulative buckets (upper bound → count), as Go computes it. */
export function histogramQuantile(q: number, buckets: [number, number][]): number {
  const sorted = [...buckets].sort((a, b) => a[0] - b[0]);
  const total = sorted[sorted.length - 1]![1];
  let rank = q * total;
  let b = sorted.findIndex(([, c]) => c >= rank);
  if (b === sorted.length - 1 && !Number.isFinite(sorted[b]![0])) return sorted[sorted.length - 2]![0];
  if (b === 0 && sorted[0]![0] <= 0) return sorted[0]![0];
  let bucketStart = 0;
  const bucketEnd = sorted[b]![0];
  let count = sorted[b]![1];
  if (b > 0) {
    bucketStart = sorted[b - 1]![0];
    count -= sorted[b - 1]![1];
    rank -= sorted[b - 1]![1];
  }
  b = 0;
  return bucketStart + (bucketEnd - bucketStart) * (rank / count);
}
