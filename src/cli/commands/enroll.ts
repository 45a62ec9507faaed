/**
 * settle enroll FILE: segment a portfolio and start its journeys. The journeys are
 * compiled first — enrolling against a broken project would pin debts to plans nobody reviewed —
 * then every row is read, validated, routed and started. Bad and unmatched rows are listed as
 * FILE:LINE after the good rows were processed (exit 1); Temporal unreachable is exit 3. Output
 * names rows by line and fields by name, never the values (personal data).
 */
import { existsSync } from 'node:fs';
import { declaredAttributes } from '../../project/project.js';
import { EnrollAbortedError, enrollPortfolio, type EnrollSummary } from '../../enrollment/enroll.js';
import { PortfolioError, portfolioFormat, readPortfolio } from '../../enrollment/read.js';
import { isTransient } from '../../enrollment/start.js';
import { CliError, EXIT, resolvePath, UsageError, type Io } from '../io.js';
import { displayPath, failOnErrors, loadProject } from '../project.js';
import { parseCommand } from '../spec.js';
import { configFrom, connect } from '../temporal.js';
import { progressLine } from './enroll-progress.js';

interface Options {
  journey?: string;
  dir: string;
  timeScale?: string;
  concurrency?: string;
  format: 'text' | 'json';
}

export interface EnrollEnv {
  nowMs: number;
  vars?: Record<string, string | undefined>;
}

function positiveNumber(raw: string | undefined, flag: string, integer = false): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(`--${flag} must be a positive ${integer ? 'whole number' : 'number'} (got "${raw}")`);
  }
  return n;
}

export async function enroll(argv: string[], io: Io, env: EnrollEnv): Promise<number> {
  const { args: positionals, opts: values } = parseCommand<Options>('enroll', argv);
  const format = values.format;
  if (positionals.length !== 1) throw new UsageError('enroll takes exactly one portfolio file');
  const timeScale = positiveNumber(values.timeScale, 'time-scale');
  const concurrency = positiveNumber(values.concurrency, 'concurrency', true);
  const file = positionals[0]!;
  const path = resolvePath(io, file);
  if (!existsSync(path)) throw new CliError(`${file}: no such file`, EXIT.usage);
  try {
    portfolioFormat(path);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }

  const result = loadProject(values.dir ?? 'journeys', io);
  failOnErrors(result, new Set(result.diagnostics.map((d) => d.file)), io, 'the journeys directory');
  if (values.journey !== undefined && !result.plans.has(values.journey)) {
    throw new UsageError(
      `no journey named "${values.journey}" (journeys: ${[...result.plans.keys()].sort().join(', ')})`,
    );
  }
  const config = configFrom(env.vars, { secret: true });
  const attributes = declaredAttributes(result.project);
  const shown = displayPath(file, io);
  const { client, connection } = await connect(config);
  try {
    const total = io.progress ? await countRows(path, attributes) : undefined;
    const bar = io.progress ? progressLine(io, total) : undefined;
    let summary: EnrollSummary;
    try {
      summary = await enrollPortfolio({
        client,
        taskQueue: config.temporal.taskQueue,
        plans: result.plans,
        project: result.project,
        rows: readPortfolio(path, attributes),
        secret: config.secret!,
        nowMs: env.nowMs,
        ...(values.journey !== undefined && { journey: values.journey }),
        ...(timeScale !== undefined && { timeScale }),
        ...(concurrency !== undefined && { concurrency }),
        ...(bar && { onProgress: bar.update }),
      });
    } catch (e) {
      bar?.done();
      if (e instanceof PortfolioError) throw new CliError(`${shown}:${e.line ?? 1}  ${e.message}`, EXIT.invalid);
      if (e instanceof EnrollAbortedError) {
        report(io, shown, e.summary, format);
        throw new CliError(
          `${e.message} — re-run the same command to finish (already enrolled rows are skipped)`,
          isTransient(e.cause) ? EXIT.unavailable : EXIT.invalid,
        );
      }
      throw e;
    }
    bar?.done();
    report(io, shown, summary, format);
    return summary.invalid.length > 0 || summary.unmatched > 0 ? EXIT.invalid : EXIT.ok;
  } finally {
    await connection.close();
  }
}

/** Rows in the file (a first, cheap pass) so the progress line can show done/total. */
async function countRows(path: string, attributes: Parameters<typeof readPortfolio>[1]): Promise<number | undefined> {
  let n = 0;
  try {
    for await (const _ of readPortfolio(path, attributes)) n += 1;
  } catch {
    return undefined; // the real pass reports it
  }
  return n;
}

function report(io: Io, file: string, s: EnrollSummary, format: 'text' | 'json'): void {
  if (format === 'json') {
    io.out(JSON.stringify({ file, ...s }, null, 2) + '\n');
    return;
  }
  const journeys = Object.entries(s.byJourney).sort(([a], [b]) => (a < b ? -1 : 1));
  const by = journeys.length > 0 ? `  (${journeys.map(([j, n]) => `${j} ${n}`).join(', ')})` : '';
  const rows = [
    ['started', `${s.started}${by}`],
    ['updated', String(s.updated)],
    ['already enrolled', String(s.alreadyEnrolled)],
    ['no segment matched', String(s.unmatched)],
    ['invalid rows', String(s.invalid.length)],
  ];
  const lines = [`${file}`, ...rows.map(([k, v]) => `  ${k!.padEnd(20)}${v}`)];
  const problems = [
    ...s.invalid.map((i) => ({ line: i.line, text: i.reason })),
    ...s.unmatchedLines.map((line) => ({ line, text: 'no segment matched (use --journey NAME to enroll it anyway)' })),
  ].sort((a, b) => a.line - b.line);
  if (problems.length > 0) lines.push('', ...problems.map((p) => `${file}:${p.line}  ${p.text}`));
  if (s.evaluationErrors > 0) {
    lines.push(
      '',
      `note: a segment rule failed to evaluate ${s.evaluationErrors} time(s) (it reads a field some records lack: guard it with has(...)); those rows fell through to the next segment`,
    );
  }
  io.out(lines.join('\n') + '\n');
}
