/**
 * settle simulate [PATH] --portfolio FILE --start ISO --days N [--behaviour none|FILE] [--seed S]
 * [--format text|json|md|html] [--out FILE] [--cost CHANNEL=PRICE] [--currency CUR] [--workers N]: a dry run of
 * a portfolio through the journeys of PATH (default journeys/) on a virtual clock, with the
 * production interpreter and contact policy, sending nothing. Invalid rows are
 * listed and make the exit code 1 after the report; rows no segment matches are counted (they
 * would not be enrolled either).
 */
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { formatHtml } from '../../simulate/html.js';
import { formatMarkdown, formatText } from '../../simulate/report-format.js';
import { type SimulationReport } from '../../simulate/simulate.js';
import { CliError, EXIT, resolvePath, UsageError, type Io } from '../io.js';
import { displayPath, failOnErrors, loadProject } from '../project.js';
import { parseCommand } from '../spec.js';
import {
  behaviourFrom,
  checkPortfolio,
  parseCosts,
  parseDays,
  parseSeed,
  parseStart,
  parseWorkers,
  runSimulation,
} from '../simulation.js';

interface Options {
  portfolio?: string;
  start?: string;
  days?: string;
  behaviour: string;
  seed: string;
  format: 'text' | 'json' | 'md' | 'html';
  out?: string;
  cost?: string[];
  currency?: string;
  workers?: string;
}

export async function simulate(argv: string[], io: Io): Promise<number> {
  const { args: positionals, opts: values } = parseCommand<Options>('simulate', argv);
  if (positionals.length > 1) throw new UsageError('simulate takes at most one journeys directory');
  const format = values.format;
  const portfolio = checkPortfolio(values.portfolio, io);
  const startMs = parseStart(values.start);
  const days = parseDays(values.days);
  const seed = parseSeed(values.seed);
  const costs = parseCosts(values.cost, values.currency);
  const behaviour = behaviourFrom(values.behaviour, io);
  const workers = parseWorkers(values.workers);
  const result = loadProject(positionals[0] ?? 'journeys', io);
  failOnErrors(result, new Set(result.diagnostics.map((d) => d.file)), io, 'the journeys directory');

  // json streams the debts' timelines to the output as the blocks finish (none is held), then the summary.
  const outPath = values.out !== undefined ? resolvePath(io, values.out) : undefined;
  const fd = outPath !== undefined && format === 'json' ? openSync(outPath, 'w') : undefined;
  const write = (text: string) => (fd !== undefined ? writeSync(fd, text) : io.out(text));
  let opened = false;
  let report: SimulationReport;
  try {
    report = await runSimulation({
      result,
      portfolio,
      portfolioShown: displayPath(values.portfolio!, io),
      startMs,
      days,
      seed,
      behaviour,
      costs,
      keepDebts: false,
      workers,
      ...(format === 'json' && {
        debtsJson: (chunk: string) => {
          write(opened ? chunk : '{\n  "debts": [\n' + chunk);
          opened = true;
        },
      }),
    });
    if (format === 'json') {
      const summary = JSON.stringify(report.summary, null, 2).replaceAll('\n', '\n  ');
      write(`${opened ? '\n  ],\n' : '{\n  "debts": [],\n'}  "summary": ${summary}\n}\n`);
    }
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  if (format !== 'json') {
    const text =
      format === 'md'
        ? formatMarkdown(report.summary)
        : format === 'html'
          ? formatHtml(report.summary)
          : formatText(report.summary);
    if (outPath !== undefined) writeFileSync(outPath, text);
    else io.out(text);
  }
  if (values.out !== undefined) {
    io.err(
      `settle simulate: ${report.summary.debts} debts simulated; report written to ${displayPath(values.out, io)}\n`,
    );
  }
  if (report.summary.invalid.length > 0) {
    throw new CliError(
      `${report.summary.invalid.length} invalid row(s) in ${displayPath(values.portfolio!, io)} were left out (see the report)`,
      EXIT.invalid,
    );
  }
  return EXIT.ok;
}
