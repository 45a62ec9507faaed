/**
 * docker-compose.yml, Dockerfile, .dockerignore and .env.example checked as data (no Docker
 * engine runs here): the compose file parses, every service it references exists, every mounted
 * path exists in the repository, the Prometheus config it mounts passes `promtool check config`
 * (with its rules, laid out as in the container), and the ports and variable names agree with
 * what the code reads — the compose environment, filled from .env.example, is a valid worker and
 * server configuration.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { VARIABLES } from '../../src/config/describe.js';
import { journeyEnvVars } from '../../src/config/journey-env.js';
import { loadConfigFor } from '../../src/config/roles.js';
import { compilePaths } from '../../src/compiler/index.js';
import { ROOT } from './cli.js';

interface Service {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  depends_on?: Record<string, { condition: string }>;
  environment?: Record<string, string | number>;
  volumes?: string[];
  ports?: string[];
  healthcheck?: { test: string[] };
}

const text = (p: string) => readFileSync(join(ROOT, p), 'utf8');
const compose = parse(text('docker-compose.yml'), { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const services = compose.services;
const dockerfile = text('Dockerfile');
const envExample = text('.env.example');
/** Variables the example journeys read (webhook `url: env:NAME`): the worker's, beyond the code's own. */
const journeyVars = journeyEnvVars(compilePaths([join(ROOT, 'journeys')]).plans.values()).map((v) => v.name);

/** .env.example as compose would read it (commented-out lines are not set). */
const exampleValues = Object.fromEntries(
  envExample
    .split('\n')
    .map((l) => /^([A-Z0-9_]+)=(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => [m[1]!, m[2]!.trim()]),
);

/** Compose interpolation: ${NAME}, ${NAME:-default}, ${NAME:?error}, $$ → $. */
function interpolate(value: string, env: Record<string, string>): string {
  return value
    .replace(/\$\{([A-Z0-9_]+)(?::([-?])([^}]*))?\}/g, (_m, name: string, op?: string, arg?: string) => {
      const v = env[name];
      if (v !== undefined && v !== '') return v;
      if (op === '?') throw new Error(`${name} is required: ${arg}`);
      return op === '-' ? (arg ?? '') : '';
    })
    .replace(/\$\$/g, '$');
}

const SETTLE = ['worker', 'server'];
/** What the image sets itself rather than compose (Dockerfile ENV). */
const IMAGE_ONLY = ['SETTLE_WORKFLOW_BUNDLE', 'SETTLE_WORKER_HEALTH_FILE'];

describe('docker-compose.yml', () => {
  it('has the services of the stack', () => {
    expect(Object.keys(services).sort()).toEqual(
      [
        'grafana',
        'mailpit',
        'postgresql',
        'prometheus',
        'server',
        'worker',
        'temporal',
        'temporal-setup',
        'temporal-ui',
      ].sort(),
    );
    expect(services['worker']!.build).toBeDefined();
    expect(services['server']!.image).toBe(services['worker']!.image);
    expect(services['server']!.command).toEqual(['server']);
    expect(services['worker']!.command).toEqual(['worker']);
  });

  it('depends only on services that exist, with conditions they can meet', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const [dep, { condition }] of Object.entries(s.depends_on ?? {})) {
        expect(services[dep], `${name} depends on ${dep}`).toBeDefined();
        expect(['service_started', 'service_healthy', 'service_completed_successfully']).toContain(condition);
        if (condition === 'service_healthy') {
          const target = services[dep]!;
          const imageHealth = target.build !== undefined && /^HEALTHCHECK /m.test(dockerfile);
          expect(target.healthcheck !== undefined || imageHealth, `${dep} needs a health check for ${name}`).toBe(true);
        }
      }
    }
    // Long-running services have health checks (the worker's comes with the image).
    for (const name of ['postgresql', 'temporal', 'server', 'prometheus', 'grafana', 'mailpit']) {
      expect(services[name]!.healthcheck, name).toBeDefined();
    }
  });

  it('mounts paths that exist in the repository, and named volumes that are declared', () => {
    const mounts = Object.values(services).flatMap((s) => s.volumes ?? []);
    expect(mounts.length).toBeGreaterThan(0);
    for (const m of mounts) {
      const [source] = m.split(':');
      if (source!.startsWith('./'))
        expect(existsSync(join(ROOT, source!)), `${source} (mounted by docker-compose.yml)`).toBe(true);
      else expect(Object.keys(compose.volumes), `named volume ${source}`).toContain(source);
    }
    expect(mounts).toContain('./grafana/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro');
    expect(mounts).toContain('./grafana/prometheus/rules:/etc/prometheus/rules:ro');
    expect(mounts).toContain('./grafana/provisioning:/etc/grafana/provisioning:ro');
    expect(mounts.some((m) => m.startsWith('./grafana/dashboards:'))).toBe(true);
  });

  it('holds no secret: every secret-looking variable comes from .env', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const [k, v] of Object.entries(s.environment ?? {})) {
        if (/PASSWORD|SECRET|TOKEN|API_KEY|PWD/.test(k)) {
          expect(String(v), `${name}.${k}`).toMatch(/^\$\{[A-Z0-9_]+(:-|:\?[^}]*)?\}$/);
        }
      }
    }
  });

  it('passes exactly the variables the code reads to worker and server, and .env.example documents all of them', () => {
    const names = VARIABLES.map((v) => v.name);
    expect(journeyVars.length).toBeGreaterThan(0);
    for (const n of journeyVars) expect(Object.keys(services['worker']!.environment ?? {}), n).toContain(n);
    for (const svc of SETTLE) {
      const env = Object.keys(services[svc]!.environment ?? {});
      const known = svc === 'worker' ? [...names, ...journeyVars] : names;
      expect(
        env.filter((k) => !known.includes(k)),
        `${svc}: variables the code does not read`,
      ).toEqual([]);
      expect(
        names.filter((n) => !env.includes(n) && !IMAGE_ONLY.includes(n)),
        `${svc}: variables not passed`,
      ).toEqual([]);
    }
    for (const n of [...names, ...journeyVars]) expect(envExample, n).toMatch(new RegExp(`^(# )?${n}=`, 'm'));
    const referenced = [...text('docker-compose.yml').matchAll(/\$\{([A-Z0-9_]+)/g)].map((m) => m[1]!);
    for (const n of new Set(referenced))
      expect(envExample, `${n} (used by docker-compose.yml)`).toMatch(new RegExp(`^(# )?${n}=`, 'm'));
  });

  it('with .env.example filled in, gives the worker and the server a valid configuration on the ports compose publishes', () => {
    const dotenv = {
      ...exampleValues,
      SETTLE_SECRET: 'f'.repeat(64),
      POSTGRES_PASSWORD: 'pw',
      GRAFANA_ADMIN_PASSWORD: 'pw',
    };
    for (const svc of SETTLE) {
      const env = Object.fromEntries(
        Object.entries(services[svc]!.environment!).map(([k, v]) => [k, interpolate(String(v), dotenv)]),
      );
      const config = loadConfigFor(svc === 'worker' ? 'worker' : 'server', env);
      expect(config.temporal.address).toBe('temporal:7233');
      expect(config.smtp.url).toBe('smtp://mailpit:1025');
      expect(config.httpAddr).toEqual({ host: '0.0.0.0', port: 8080 });
      expect(config.workerMetricsAddr.port).toBe(9464);
      expect(config.temporalMetricsAddr.port).toBe(9465);
    }
    expect(services['server']!.ports).toEqual(['127.0.0.1:8080:8080']);
    for (const port of [8080, 9464, 9465]) expect(dockerfile).toMatch(new RegExp(`^EXPOSE .*\\b${port}\\b`, 'm'));
    // Without SETTLE_SECRET compose refuses to start, naming it.
    expect(() => interpolate(String(services['worker']!.environment!.SETTLE_SECRET), exampleValues)).toThrow(
      /SETTLE_SECRET/,
    );
    // Every published port binds loopback only.
    for (const [name, s] of Object.entries(services))
      for (const p of s.ports ?? []) expect(p, name).toMatch(/^127\.0\.0\.1:/);
  });
});

describe('Prometheus and Grafana files mounted by docker-compose.yml', () => {
  const promFile = join(ROOT, 'grafana/prometheus/prometheus.yml');

  it('promtool check config passes on the mounted config and its rules, laid out as in the container', () => {
    // The container sees ./grafana/prometheus/prometheus.yml at /etc/prometheus/prometheus.yml and
    // the rules at /etc/prometheus/rules: mirror that in a temporary directory.
    const dir = mkdtempSync(join(tmpdir(), 'settle-prom-'));
    const config = readFileSync(promFile, 'utf8').replaceAll('/etc/prometheus/', `${dir}/`);
    writeFileSync(join(dir, 'prometheus.yml'), config);
    cpSync(join(ROOT, 'grafana/prometheus/rules'), join(dir, 'rules'), { recursive: true });
    const out = execFileSync('promtool', ['check', 'config', join(dir, 'prometheus.yml')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(out).toMatch(/SUCCESS/);
    const parsed = parse(config) as { rule_files?: string[] };
    expect(parsed.rule_files?.length ?? 0, 'the config loads the rules').toBeGreaterThan(0);
  });

  it('scrapes services of the stack on the ports they serve', () => {
    const prom = parse(readFileSync(promFile, 'utf8')) as {
      scrape_configs: { static_configs?: { targets: string[] }[] }[];
    };
    const targets = prom.scrape_configs.flatMap((c) => (c.static_configs ?? []).flatMap((s) => s.targets));
    const known = new Set([
      'worker:9464',
      'worker:9465',
      'server:8080',
      'temporal:8000',
      'localhost:9090',
      'prometheus:9090',
    ]);
    expect(
      targets.filter((t) => !known.has(t)),
      'targets that are no service port of docker-compose.yml',
    ).toEqual([]);
    for (const t of ['worker:9464', 'worker:9465', 'server:8080', 'temporal:8000']) expect(targets).toContain(t);
    // The Temporal server serves its own metrics where Prometheus looks for them.
    expect(services.temporal?.environment).toMatchObject({ PROMETHEUS_ENDPOINT: '0.0.0.0:8000' });
  });

  it('Grafana provisioning points at the compose Prometheus and the mounted dashboards', () => {
    const files = (sub: string) =>
      execFileSync('find', [join(ROOT, 'grafana/provisioning', sub), '-name', '*.y*ml'], { encoding: 'utf8' })
        .split('\n')
        .filter(Boolean);
    const datasources = files('datasources').flatMap(
      (f) => (parse(readFileSync(f, 'utf8')) as { datasources: { url: string }[] }).datasources,
    );
    expect(datasources.map((d) => d.url)).toContain('http://prometheus:9090');
    const providers = files('dashboards').flatMap(
      (f) => (parse(readFileSync(f, 'utf8')) as { providers: { options: { path: string } }[] }).providers,
    );
    expect(providers.length).toBeGreaterThan(0);
    // Each provider reads the folder where compose mounts grafana/dashboards.
    const target = services.grafana!.volumes!.find((v) => v.startsWith('./grafana/dashboards:'))!.split(':')[1]!;
    for (const p of providers) expect(p.options.path.replace(/\/$/, '')).toBe(target);
  });
});

describe('Dockerfile and .dockerignore', () => {
  const lines = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const stages = lines.filter((l) => l.startsWith('FROM '));

  it('is multi-stage, Debian-based, and runs as a non-root user with a health check', () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    for (const s of stages) expect(s).not.toMatch(/alpine/);
    const final = lines.slice(lines.lastIndexOf(stages.at(-1)!));
    const user = final.filter((l) => l.startsWith('USER ')).at(-1);
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^USER (root|0)(:|$)/);
    expect(final.some((l) => l.startsWith('HEALTHCHECK '))).toBe(true);
    expect(final.find((l) => l.startsWith('HEALTHCHECK '))).toContain('SETTLE_WORKER_HEALTH_FILE');
    expect(final).toContain('ENTRYPOINT ["node", "bin/settle.js"]');
    expect(final).toContain('CMD ["worker"]');
    expect(final.some((l) => /npm ci --omit=dev/.test(l))).toBe(true);
  });

  it('bundles the workflow code at build time and points the worker at the bundle', () => {
    const run = lines.find((l) => l.includes('tsx scripts/build-workflow-bundle.ts'));
    expect(run).toBeDefined();
    const out = /build-workflow-bundle\.ts (\S+)/.exec(run!)![1]!;
    expect(existsSync(join(ROOT, 'scripts/build-workflow-bundle.ts'))).toBe(true);
    expect(dockerfile).toMatch(new RegExp(`SETTLE_WORKFLOW_BUNDLE=/app/${out.replace(/\./g, '\\.')}`));
  });

  it('copies only paths that exist and that .dockerignore lets through', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#') && !l.startsWith('!'));
    for (const must of ['node_modules', '.env', '.git', '.tools', '.settle', 'dist']) expect(ignored).toContain(must);
    const copies = lines.filter((l) => l.startsWith('COPY ') && !l.includes('--from='));
    expect(copies.length).toBeGreaterThan(0);
    for (const c of copies) {
      const parts = c
        .split(/\s+/)
        .slice(1)
        .filter((p) => !p.startsWith('--'));
      for (const src of parts.slice(0, -1)) {
        expect(existsSync(join(ROOT, src)), `COPY ${src}`).toBe(true);
        expect(ignored, `COPY ${src} is excluded by .dockerignore`).not.toContain(src.replace(/^\.\//, ''));
      }
    }
  });
});
