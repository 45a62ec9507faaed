/**
 * settle diff --base REF [--dir journeys] | settle diff OLD NEW: Markdown for a pull request —
 * what changed per journey, and an error (exit 1) when a plan changed without a version bump.
 * With --portfolio FILE, a "what changes" section: the portfolio simulated before and after, and
 * with the change deployed on --deploy-day while its debts run, their journeys kept on their
 * version or migrated (settle migrate).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { compileSources, readSources, type CompileResult } from '../../compiler/index.js';
import { diffPlans, formatDiffMarkdown } from '../../views/index.js';
import { DAY_MS } from '../../core/policy/zone-clock.js';
import { formatForecast } from '../../simulate/forecast.js';
import { sourcesAtRevision } from '../git.js';
import { code } from '../../views/markdown.js';
import { CliError, EXIT, resolvePath, UsageError, type Io } from '../io.js';
import { displayPath } from '../project.js';
import { parseCommand } from '../spec.js';
import type { EnrollmentRecordLike } from '../../templates/index.js';
import { BUILT_IN_RECORD, templatePreviews, type PreviewEnv } from './diff-preview.js';
import { behaviourFrom, checkPortfolio, parseDays, parseSeed, parseStart, runSimulation } from '../simulation.js';

interface Options {
  base?: string;
  dir: string;
  portfolio?: string;
  start?: string;
  days: string;
  behaviour: string;
  seed: string;
  deployDay: string;
  record?: string;
  maxChars?: string;
  fullOut?: string;
  cutNote?: string;
}

function readRecord(file: string | undefined, io: Io): EnrollmentRecordLike {
  if (file === undefined) return BUILT_IN_RECORD;
  const path = resolvePath(io, file);
  if (!existsSync(path)) throw new CliError(`${file}: no such file`, EXIT.usage);
  let record: unknown;
  try {
    record = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new CliError(`${file}: not valid JSON (${(e as Error).message})`, EXIT.invalid);
  }
  const r = record as Partial<EnrollmentRecordLike> | null;
  if (r === null || typeof r !== 'object' || typeof r.debtor !== 'object' || typeof r.debt !== 'object') {
    throw new CliError(`${file}: not an enrollment record (needs debtor and debt objects)`, EXIT.invalid);
  }
  return r as EnrollmentRecordLike;
}

function parseMaxChars(text: string | undefined): number {
  if (text === undefined) return Infinity;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1000)
    throw new UsageError(`--max-chars must be a whole number of at least 1000, got ${text}`);
  return n;
}

function errorSection(title: string, result: CompileResult): string {
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length === 0) return '';
  const rows = errors.map(
    (d) => `- \`${d.file}:${d.line}:${d.column}\` **${d.code}** ${d.message}${d.hint ? ` — ${d.hint}` : ''}`,
  );
  return `\n### ❌ ${title} has ${errors.length} error${errors.length === 1 ? '' : 's'}\n\n${rows.join('\n')}\n`;
}

export async function diff(argv: string[], io: Io, env?: PreviewEnv): Promise<number> {
  const { args: positionals, opts: values } = parseCommand<Options>('diff', argv);
  const maxChars = parseMaxChars(values.maxChars);
  const record = readRecord(values.record, io);
  let before: CompileResult;
  let after: CompileResult;
  if (values.base !== undefined) {
    if (positionals.length > 0) throw new UsageError('give either --base REF or two paths, not both');
    const dir = values.dir ?? 'journeys';
    if (!existsSync(resolvePath(io, dir))) throw new CliError(`${dir}: no such directory`, EXIT.usage);
    before = compileSources(sourcesAtRevision(values.base, dir, io.cwd));
    after = compileSources(readSources([resolvePath(io, dir)], io.cwd));
  } else {
    if (positionals.length !== 2) throw new UsageError('diff takes --base REF, or OLD and NEW paths');
    for (const p of positionals)
      if (!existsSync(resolvePath(io, p))) throw new CliError(`${p}: no such file or directory`, EXIT.usage);
    before = compileSources(readSources([resolvePath(io, positionals[0]!)], io.cwd));
    after = compileSources(readSources([resolvePath(io, positionals[1]!)], io.cwd));
  }
  const d = diffPlans(before.plans, after.plans);
  const forecast = values.portfolio !== undefined ? await forecastSection(values, before, after, io) : '';
  const previews = templatePreviews(d, before.plans, after.plans, record, {
    publicUrl: env?.publicUrl ?? 'https://pay.example.test',
    nowMs: env?.nowMs ?? Date.now(),
  });
  const markdown = {
    previews,
    previewRecord: values.record !== undefined ? code(displayPath(values.record, io)) : 'the built-in example record',
  };
  const tail = errorSection('The new version', after) + forecast;
  const full = formatDiffMarkdown(d, markdown) + tail;
  if (values.fullOut !== undefined) writeFileSync(resolvePath(io, values.fullOut), full);
  if (full.length <= maxChars) io.out(full);
  else {
    const cutNote =
      values.cutNote ??
      (values.fullOut !== undefined
        ? `The full report: ${displayPath(values.fullOut, io)}.`
        : 'Run `settle diff` for the full report.');
    io.out(formatDiffMarkdown(d, { ...markdown, maxChars: Math.max(1000, maxChars - tail.length), cutNote }) + tail);
  }
  const afterErrors = after.diagnostics.some((x) => x.severity === 'error');
  return d.versionErrors.length > 0 || afterErrors ? EXIT.invalid : EXIT.ok;
}

/** Simulates the portfolio against both versions (start: --start, else today 09:00 UTC). */
async function forecastSection(
  values: { portfolio?: string; start?: string; days?: string; behaviour?: string; seed?: string; deployDay?: string },
  before: CompileResult,
  after: CompileResult,
  io: Io,
): Promise<string> {
  const portfolio = checkPortfolio(values.portfolio, io);
  const startMs = parseStart(values.start ?? `${new Date().toISOString().slice(0, 10)}T09:00:00Z`);
  const common = {
    portfolio,
    portfolioShown: displayPath(values.portfolio!, io),
    startMs,
    days: parseDays(values.days ?? '60'),
    seed: parseSeed(values.seed),
    behaviour: behaviourFrom(values.behaviour, io),
    keepDebts: false,
  };
  const deployDay = parseDeployDay(values.deployDay, common.days);
  const b = await runSimulation({ ...common, result: before });
  const a = await runSimulation({ ...common, result: after });
  if (deployDay === undefined) return '\n' + formatForecast(b.summary, a.summary, common.portfolioShown);
  const deployed = (migrate: boolean) =>
    runSimulation({
      ...common,
      result: before,
      deploy: { atMs: startMs + deployDay * DAY_MS, migrate, plans: after.plans, project: after.project },
    });
  const kept = await deployed(false);
  const migrated = await deployed(true);
  return (
    '\n' +
    formatForecast(b.summary, a.summary, common.portfolioShown, {
      day: deployDay,
      kept: kept.summary,
      migrated: migrated.summary,
    })
  );
}

/** --deploy-day: a whole day inside the run (1 to days − 1), or none. */
function parseDeployDay(text: string | undefined, days: number): number | undefined {
  if (text === undefined || text === 'none') return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n >= days)
    throw new UsageError(
      `--deploy-day must be a whole day from 1 to ${days - 1} of the ${days}-day run, or none; got ${text}`,
    );
  return n;
}
