/**
 * Which Temporal server a bench runs against, from BENCH_TEMPORAL:
 * - `dev` (default): the dev server as a child process (SQLite, WAL, synchronous=OFF);
 * - `postgres`: the production server on PostgreSQL (test/support/postgres-temporal.ts: Debian's
 *   PostgreSQL without fsync, the `go.temporal.io/server` build of scripts/setup-tools.sh);
 * - `both`: the bench runs twice, one child process per server, one after the other, and the
 *   lines each prints that match `summary` are repeated at the end side by side.
 * The server's CPU time counts every process of its tree (PostgreSQL runs a process per connection).
 */
import { spawn } from 'node:child_process';
import { startPostgresTemporal } from '../../test/support/postgres-temporal.js';
import { startDevServerProcess } from '../../test/support/temporal.js';
import { cpuMs } from './proc.js';

export type TemporalKind = 'dev' | 'postgres';

export interface BenchTemporal {
  kind: TemporalKind;
  /** One line saying what runs. */
  label: string;
  address: string;
  namespace: string;
  /** CPU time (ms) the server's processes used so far. */
  cpuMs(): number;
  stop(): Promise<void>;
}

export function benchTemporalKind(): TemporalKind | 'both' {
  const v = process.env.BENCH_TEMPORAL ?? 'dev';
  if (v === 'dev' || v === 'postgres' || v === 'both') return v;
  throw new Error(`BENCH_TEMPORAL must be dev, postgres or both (got "${v}")`);
}

export async function startBenchTemporal(kind: TemporalKind, dbFilename: string): Promise<BenchTemporal> {
  if (kind === 'dev') {
    const server = await startDevServerProcess({ dbFilename });
    const pid = server.process.pid!;
    return {
      kind,
      label: `Temporal dev server (SQLite, WAL, synchronous=OFF) at ${server.address}`,
      address: server.address,
      namespace: 'default',
      cpuMs: () => cpuMs(pid),
      stop: () => server.stop(),
    };
  }
  const pg = await startPostgresTemporal({ namespace: 'default-bench' });
  return {
    kind,
    label: `Temporal server 1.29.1 on PostgreSQL (fsync off, 4 history shards) at ${pg.address}, namespace ${pg.namespace}`,
    address: pg.address,
    namespace: pg.namespace,
    cpuMs: () => pg.cpuMs(),
    stop: () => pg.stop(),
  };
}

/**
 * Runs this script once per server (BENCH_TEMPORAL=dev, then postgres), passing its output
 * through, then prints the lines matching `summary` of both side by side.
 */
export async function runSideBySide(script: string, summary: RegExp): Promise<void> {
  const output: Record<TemporalKind, string> = { dev: '', postgres: '' };
  const failed: string[] = [];
  for (const kind of ['dev', 'postgres'] as const) {
    console.log(`\n=== BENCH_TEMPORAL=${kind} ===`);
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, [...process.execArgv, script], {
        env: { ...process.env, BENCH_TEMPORAL: kind },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      child.stdout.on('data', (c: Buffer) => {
        process.stdout.write(c);
        output[kind] += c.toString('utf8');
      });
      child.once('error', reject);
      child.once('exit', resolve);
    });
    if (code !== 0) failed.push(`BENCH_TEMPORAL=${kind} run exited with ${code}`);
  }
  console.log('\n=== side by side ===');
  for (const kind of ['dev', 'postgres'] as const) {
    for (const l of output[kind].split('\n').filter((l) => summary.test(l)))
      console.log(`${kind.padEnd(9)} ${l.trim()}`);
  }
  if (failed.length > 0) throw new Error(failed.join('; '));
}
