/**
 * settle dev [--demo] [--for DURATION] [--json]: the whole of Settle on one machine (see
 * src/app/dev-process.ts), and with --demo a synthetic portfolio flowing through the example journeys.
 */
import { compileSources, formatDiagnosticsText, readSources } from '../../compiler/index.js';
import { loadConfig } from '../../config/env.js';
import { parseDuration } from '../../core/duration.js';
import { runDev, type DevSummary } from '../../app/dev-process.js';
import { CliError, EXIT, resolvePath, UsageError, type Io } from '../io.js';
import { parseCommand } from '../spec.js';

interface Options {
  demo?: boolean;
  for?: string;
  json?: boolean;
  timeScale?: string;
  debts: string;
  seed: string;
  ui: boolean;
  dir: string;
  stateDir: string;
}

/** Demo default: one journey day every 2 seconds, so the example journeys finish in a couple of minutes. */
export const DEMO_TIME_SCALE = 43_200;

function positiveInt(v: string | undefined, flag: string, def: number): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${flag} must be a positive whole number (got "${v}")`);
  return n;
}

export function formatSummary(s: DevSummary): string {
  const list = (r: Record<string, number>) =>
    Object.entries(r)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, n]) => `${k} ${n}`)
      .join(' · ') || 'none';
  const done = Object.values(s.journeys.completed).reduce((a, b) => a + b, 0);
  return [
    `Settle dev ran ${(s.wallMs / 1000).toFixed(0)} s (time ×${s.timeScale}: 1 journey day = ${(86_400 / s.timeScale).toFixed(1)} s)`,
    `journeys  started ${s.journeys.started} (already enrolled ${s.journeys.alreadyEnrolled}, no segment ${s.journeys.unmatched}) · completed ${done}: ${list(s.journeys.completed)} · still running ${s.journeys.running}`,
    // Debts move on between journeys (hand-over): each journey's runs and how they ended.
    ...Object.entries(s.journeys.byJourney)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([j, r]) => `  ${j}: started ${r.started}, ended ${list(r.ended)}`),
    `messages  ${list(s.messages)}`,
    `events    ${list(s.events)}`,
    `outbox    ${s.outbox}/ (.eml files and sms.jsonl)`,
    '',
  ].join('\n');
}

export async function dev(
  argv: string[],
  io: Io,
  vars: Record<string, string | undefined> = process.env,
): Promise<number> {
  const { opts: values } = parseCommand<Options>('dev', argv);
  const forMs = values.for !== undefined ? parseDuration(values.for) : undefined;
  if (values.for !== undefined && !forMs)
    throw new UsageError(`--for takes a duration such as 90s or 5m (got "${values.for}")`);
  const demo = values.demo ?? false;
  const timeScale = positiveInt(values.timeScale, 'time-scale', demo ? DEMO_TIME_SCALE : 1);
  const config = loadConfig(vars);
  const sources = readSources([resolvePath(io, values.dir ?? 'journeys')], io.cwd);
  const compiled = compileSources(sources);
  const errors = compiled.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    io.err(
      formatDiagnosticsText(errors, sources.length, {
        color: io.color,
        sources: new Map(sources.map((s) => [s.path, s.text])),
      }),
    );
    throw new CliError('journeys/ does not compile: fix the errors above', EXIT.invalid);
  }
  const format = values.json ? 'json' : 'text';
  const summary = await runDev(config, compiled, {
    stateDir: resolvePath(io, values.stateDir),
    demo,
    ...(forMs !== undefined && { forMs }),
    timeScale,
    debts: positiveInt(values.debts, 'debts', 300),
    seed: positiveInt(values.seed, 'seed', 42),
    ui: values.ui,
    log: (line) => io.err(`${line}\n`),
    env: vars,
  });
  io.out(format === 'json' ? JSON.stringify(summary, null, 2) + '\n' : formatSummary(summary));
  return EXIT.ok;
}
