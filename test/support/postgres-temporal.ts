/**
 * A production Temporal server on PostgreSQL, for tests and benches: a private PostgreSQL
 * cluster (Debian's binaries, initdb into a temp folder, a free 127.0.0.1 port), the schemas
 * created with temporal-sql-tool, the Temporal server (`go.temporal.io/server`, built by
 * scripts/setup-tools.sh into .tools/temporal-server) started from a config file, and the
 * namespace and Settle's search attributes registered with the `temporal` CLI.
 *
 * Every operator step is a shell line of docs/operations.md ("Running on PostgreSQL"), run as
 * written with the variables that section sets: `OPERATOR_COMMANDS` lists them and the e2e test
 * checks that the docs carry each one verbatim. Everything started here is stopped by `stop()`
 * (and killed if the test process exits first).
 *
 * As root, PostgreSQL (which refuses to run as root) runs as the `postgres` user Debian's
 * package creates; otherwise as the current user.
 */
import { SEARCH_ATTRIBUTE_TYPES } from '../../src/temporal/search-attributes.js';
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { projectRoot, temporalCliPath } from '../../src/dev/binaries.js';
import { freePort } from '../../src/dev/dev-server.js';

/** The folder scripts/setup-tools.sh builds: temporal-server, temporal-sql-tool, schema/postgresql/v12. */
export function temporalServerDir(): string {
  const dir = process.env.TEMPORAL_SERVER_DIR || join(projectRoot(), '.tools', 'temporal-server');
  if (!existsSync(join(dir, 'temporal-server')) || !existsSync(join(dir, 'temporal-sql-tool'))) {
    throw new Error(`no Temporal server in ${dir}: run npm run setup (scripts/setup-tools.sh builds it)`);
  }
  return dir;
}

/** Debian's PostgreSQL binaries: SETTLE_PG_BIN, else the newest /usr/lib/postgresql/<major>/bin. */
export function postgresBinDir(): string {
  if (process.env.SETTLE_PG_BIN) return process.env.SETTLE_PG_BIN;
  const base = '/usr/lib/postgresql';
  const majors = existsSync(base)
    ? readdirSync(base)
        .filter((v) => /^\d+$/.test(v) && existsSync(join(base, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (majors.length === 0) throw new Error('no PostgreSQL in /usr/lib/postgresql: apt-get install postgresql');
  return join(base, majors[0]!, 'bin');
}

/** Settle's search attributes and their types (derived from the workflow's keys). */
export { SEARCH_ATTRIBUTE_TYPES };

/** The schema steps, run in the folder holding `schema/` (the server's folder). */
export const SCHEMA_COMMANDS = [
  'temporal-sql-tool --db temporal create-database',
  'temporal-sql-tool --db temporal setup-schema -v 0.0',
  'temporal-sql-tool --db temporal update-schema -d schema/postgresql/v12/temporal/versioned',
  'temporal-sql-tool --db temporal_visibility create-database',
  'temporal-sql-tool --db temporal_visibility setup-schema -v 0.0',
  'temporal-sql-tool --db temporal_visibility update-schema -d schema/postgresql/v12/visibility/versioned',
];
export const SERVER_COMMAND = 'temporal-server --root "$TEMPORAL_ROOT" --env production --allow-no-auth start';
export const REGISTER_COMMANDS = [
  'temporal operator namespace create --namespace "$TEMPORAL_NAMESPACE" --retention 30d',
  ...SEARCH_ATTRIBUTE_TYPES.map(
    ([name, type]) =>
      `temporal operator search-attribute create --namespace "$TEMPORAL_NAMESPACE" --name ${name} --type ${type}`,
  ),
];
/** Every operator line this helper runs, for the docs check. */
export const OPERATOR_COMMANDS = [...SCHEMA_COMMANDS, SERVER_COMMAND, ...REGISTER_COMMANDS];

export interface PostgresTemporalOptions {
  /** Namespace to create and register the search attributes in (default `collections`). */
  namespace?: string;
  /**
   * PostgreSQL without fsync (fsync, synchronous_commit and full_page_writes off): for tests and
   * benches, as the dev server runs SQLite without fsync there. Default true.
   */
  fastPostgres?: boolean;
  /** Temporal history shards (default 4, as the server's own development config). */
  historyShards?: number;
}

export interface PostgresTemporal {
  /** host:port of the frontend. */
  address: string;
  namespace: string;
  /** The server's and PostgreSQL's processes (CPU accounting in benches). */
  serverPid: number;
  postgresPid: number;
  /** CPU time (ms) the server and PostgreSQL (every backend) used so far. */
  cpuMs(): number;
  /** The Prometheus endpoint of the server. */
  metricsUrl: string;
  /** The last 64 KB each printed. */
  output(): { server: string; postgres: string };
  /** Operator lines run so far, with the time each took (ms). */
  steps: { command: string; ms: number }[];
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

interface Run {
  code: number | null;
  output: string;
}

function run(command: string, args: string[], opts: SpawnOptions): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.stderr?.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}

async function must(what: string, r: Promise<Run>): Promise<void> {
  const { code, output } = await r;
  if (code !== 0) throw new Error(`${what} failed (exit ${code}):\n${output.slice(-4000)}`);
}

/** A long-running child whose last 64 KB of output is kept. */
function keepRunning(command: string, args: string[], opts: SpawnOptions) {
  const child = spawn(command, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let log = '';
  const keep = (c: Buffer) => {
    log = (log + c.toString('utf8')).slice(-65_536);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      live.delete(child);
      resolve();
    });
    child.once('error', (e) => {
      keep(Buffer.from(`spawn failed: ${e.message}\n`));
      live.delete(child);
      resolve();
    });
  });
  const stop = async (signal: NodeJS.Signals, graceMs: number) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    const escalate = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(escalate);
  };
  const alive = () => child.exitCode === null && child.signalCode === null && child.pid !== undefined;
  return { child, output: () => log, stop, alive };
}

/** User + system CPU time (ms) of the processes and all their live descendants, from /proc (Linux). */
export function cpuMsOfTree(pids: number[]): number {
  const stats = new Map<number, { ppid: number; ms: number }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // After the command name (which may hold spaces): state, ppid, … utime is field 14, stime 15 (ticks of 10 ms).
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      stats.set(Number(name), { ppid: Number(f[1]), ms: (Number(f[11]) + Number(f[12])) * 10 });
    } catch {
      // exited meanwhile
    }
  }
  let ms = 0;
  const seen = new Set<number>();
  const add = (pid: number) => {
    if (seen.has(pid)) return;
    seen.add(pid);
    ms += stats.get(pid)?.ms ?? 0;
    for (const [child, s] of stats) if (s.ppid === pid) add(child);
  };
  for (const pid of pids) add(pid);
  return ms;
}

/**
 * A free 127.0.0.1 port below 32768: the SQL stores keep membership ports in a smallint column
 * (`cluster_membership.rpc_port`), and the ephemeral ports freePort() gets are above that.
 */
async function freeSmallintPort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

/** The `postgres` user's ids when running as root (PostgreSQL refuses root); undefined otherwise. */
function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('running as root without a postgres user: apt-get install postgresql creates it');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

function serverConfig(o: {
  pgPort: number;
  password: string;
  shards: number;
  ports: Record<'frontend' | 'frontendHttp' | 'history' | 'matching' | 'worker' | 'metrics', number>;
  membership: Record<'frontend' | 'history' | 'matching' | 'worker', number>;
}): string {
  const store = (db: string, conns: number) => `      sql:
        pluginName: postgres12
        databaseName: ${db}
        connectAddr: 127.0.0.1:${o.pgPort}
        connectProtocol: tcp
        user: temporal
        password: ${JSON.stringify(o.password)}
        maxConns: ${conns}
        maxIdleConns: ${conns}
        maxConnLifetime: 1h`;
  const service = (name: keyof typeof o.membership, extra = '') => `  ${name}:
    rpc:
      grpcPort: ${o.ports[name]}
      membershipPort: ${o.membership[name]}
      bindOnLocalHost: true${extra}`;
  return `# Written by test/support/postgres-temporal.ts: one node, every service, PostgreSQL for both stores.
log:
  stdout: true
  level: warn
persistence:
  defaultStore: postgres-default
  visibilityStore: postgres-visibility
  numHistoryShards: ${o.shards}
  datastores:
    postgres-default:
${store('temporal', 20)}
    postgres-visibility:
${store('temporal_visibility', 10)}
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: 127.0.0.1
  metrics:
    prometheus:
      framework: tally
      timerType: histogram
      listenAddress: 127.0.0.1:${o.ports.metrics}
services:
${service('frontend', `\n      httpPort: ${o.ports.frontendHttp}`)}
${service('matching')}
${service('history')}
${service('worker')}
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: active
  currentClusterName: active
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: frontend
      rpcAddress: 127.0.0.1:${o.ports.frontend}
dcRedirectionPolicy:
  policy: noop
`;
}

/** Starts PostgreSQL, creates the schemas, starts the Temporal server and registers the namespace. */
export async function startPostgresTemporal(opts: PostgresTemporalOptions = {}): Promise<PostgresTemporal> {
  const namespace = opts.namespace ?? 'collections';
  const serverDir = temporalServerDir();
  const pgBin = postgresBinDir();
  const dir = mkdtempSync(join(tmpdir(), 'settle-pg-temporal-'));
  const owner = postgresUser();
  const asPostgres: SpawnOptions = owner ? { uid: owner.uid, gid: owner.gid } : {};
  const data = join(dir, 'pgdata');
  const steps: { command: string; ms: number }[] = [];
  let postgres: ReturnType<typeof keepRunning> | undefined;
  let server: ReturnType<typeof keepRunning> | undefined;

  const stop = async () => {
    await server?.stop('SIGTERM', 15_000);
    // SIGINT: PostgreSQL's fast shutdown (rolls back open transactions, then exits).
    await postgres?.stop('SIGINT', 15_000);
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    // --- PostgreSQL: a private cluster, the `postgres` superuser over the socket, `temporal` over TCP.
    chmodSync(dir, 0o711); // the postgres user reaches its data folder inside
    mkdirSync(data, { mode: 0o700 });
    if (owner) chownSync(data, owner.uid, owner.gid);
    const env = { PATH: process.env.PATH ?? '', LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' };
    await must(
      'initdb',
      run(
        join(pgBin, 'initdb'),
        ['-D', data, '-U', 'postgres', '-E', 'UTF8', '--auth-local=trust', '--auth-host=scram-sha-256', '-N'],
        { ...asPostgres, env, cwd: dir },
      ),
    );
    const pgPort = await freePort();
    const fast = opts.fastPostgres ?? true;
    postgres = keepRunning(
      join(pgBin, 'postgres'),
      [
        '-D',
        data,
        '-p',
        String(pgPort),
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        `unix_socket_directories=${data}`,
        '-c',
        'max_connections=200',
        ...(fast ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
      ],
      { ...asPostgres, env, cwd: dir },
    );
    const password = randomBytes(18).toString('base64url');
    const psql = (sql: string) =>
      run(
        join(pgBin, 'psql'),
        ['-h', data, '-p', String(pgPort), '-U', 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-c', sql],
        {
          env,
          cwd: dir,
        },
      );
    for (const until = Date.now() + 30_000; ; await delay(100)) {
      if (!postgres.alive()) throw new Error(`postgres exited:\n${postgres.output()}`);
      const ready = await run(join(pgBin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(pgPort)], { env });
      if (ready.code === 0) break;
      if (Date.now() > until) throw new Error(`postgres not ready on ${pgPort}:\n${postgres.output()}`);
    }
    await must('CREATE ROLE', psql(`CREATE ROLE temporal LOGIN CREATEDB PASSWORD '${password}'`));

    // --- The operator lines of docs/operations.md, with the variables that section sets.
    const address = `127.0.0.1:${await freePort()}`;
    const operatorEnv: NodeJS.ProcessEnv = {
      PATH: [serverDir, join(temporalCliPath(), '..'), process.env.PATH ?? ''].join(delimiter),
      HOME: process.env.HOME ?? dir,
      SQL_PLUGIN: 'postgres12',
      SQL_HOST: '127.0.0.1',
      SQL_PORT: String(pgPort),
      SQL_USER: 'temporal',
      SQL_PASSWORD: password,
      TEMPORAL_ROOT: dir,
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: namespace,
    };
    const sh = async (command: string, cwd: string) => {
      const t0 = Date.now();
      await must(command, run('/bin/sh', ['-c', command], { env: operatorEnv, cwd }));
      steps.push({ command, ms: Date.now() - t0 });
    };
    for (const command of SCHEMA_COMMANDS) await sh(command, serverDir);

    const [frontendHttp, history, matching, worker, metrics] = await Promise.all(
      Array.from({ length: 5 }, () => freePort()),
    );
    const membershipPorts: number[] = [];
    while (membershipPorts.length < 4) {
      const p = await freeSmallintPort();
      if (!membershipPorts.includes(p)) membershipPorts.push(p);
    }
    const [mFrontend, mHistory, mMatching, mWorker] = membershipPorts;
    mkdirSync(join(dir, 'config'));
    writeFileSync(
      join(dir, 'config', 'production.yaml'),
      serverConfig({
        pgPort,
        password,
        shards: opts.historyShards ?? 4,
        ports: {
          frontend: Number(address.split(':')[1]),
          frontendHttp: frontendHttp!,
          history: history!,
          matching: matching!,
          worker: worker!,
          metrics: metrics!,
        },
        membership: { frontend: mFrontend!, history: mHistory!, matching: mMatching!, worker: mWorker! },
      }),
      { mode: 0o600 },
    );
    const t0 = Date.now();
    server = keepRunning('/bin/sh', ['-c', `exec ${SERVER_COMMAND}`], { env: operatorEnv, cwd: dir });
    for (const until = Date.now() + 60_000; ; await delay(250)) {
      if (!server.alive()) throw new Error(`temporal-server exited:\n${server.output()}`);
      try {
        const connection = await Connection.connect({ address, connectTimeout: '1s' });
        try {
          await connection.workflowService.getSystemInfo({});
          break;
        } finally {
          await connection.close();
        }
      } catch (e) {
        if (Date.now() > until)
          throw new Error(`temporal-server not ready at ${address}: ${String(e)}\n${server.output()}`);
      }
    }
    steps.push({ command: SERVER_COMMAND, ms: Date.now() - t0 });
    for (const command of REGISTER_COMMANDS) await sh(command, dir);

    // The namespace reaches every service's cache within its refresh interval (2 s by default).
    const connection = await Connection.connect({ address });
    try {
      for (const until = Date.now() + 30_000; ; await delay(250)) {
        try {
          const listed = await connection.operatorService.listSearchAttributes({ namespace });
          const names = Object.keys(listed.customAttributes ?? {});
          if (SEARCH_ATTRIBUTE_TYPES.every(([n]) => names.includes(n))) {
            await connection.workflowService.countWorkflowExecutions({ namespace, query: '' });
            break;
          }
        } catch (e) {
          if (Date.now() > until) throw e;
        }
        if (Date.now() > until) throw new Error(`search attributes not registered in ${namespace}`);
      }
    } finally {
      await connection.close();
    }

    const p = postgres;
    const s = server;
    return {
      address,
      namespace,
      serverPid: s.child.pid!,
      postgresPid: p.child.pid!,
      cpuMs: () => cpuMsOfTree([s.child.pid!, p.child.pid!]),
      metricsUrl: `http://127.0.0.1:${metrics}/metrics`,
      output: () => ({ server: s.output(), postgres: p.output() }),
      steps,
      stop,
    };
  } catch (e) {
    const logs = `\n--- temporal-server:\n${server?.output().slice(-3000) ?? ''}\n--- postgres:\n${postgres?.output().slice(-2000) ?? ''}`;
    await stop();
    throw new Error(`${(e as Error).message}${logs}`, { cause: e });
  }
}
