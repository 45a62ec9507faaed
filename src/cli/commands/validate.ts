/** settle validate [PATH...] [--format text|json]: schema + semantic checks of every file. */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ExampleRecord } from '../../compiler/checks/sms-examples.js';
import { formatDiagnosticsText } from '../../compiler/index.js';
import { CliError, EXIT, resolvePath, type Io } from '../io.js';
import { compileArguments } from '../project.js';
import { parseCommand } from '../spec.js';

interface Options {
  format: 'text' | 'json';
  color: boolean;
  examples?: string;
}

const DEFAULT_EXAMPLES = 'examples/records';

/** The example records SMS templates are rendered with: --examples DIR, else examples/records if present. */
function exampleRecords(dir: string | undefined, io: Io): ExampleRecord[] {
  const given = dir !== undefined;
  const path = resolvePath(io, dir ?? DEFAULT_EXAMPLES);
  if (!existsSync(path) || !statSync(path).isDirectory()) {
    if (given) throw new CliError(`${dir}: no such directory`, EXIT.usage);
    return [];
  }
  const shown = (dir ?? DEFAULT_EXAMPLES).replace(/\/+$/, '');
  const records: ExampleRecord[] = [];
  for (const name of readdirSync(path)
    .filter((n) => n.endsWith('.json'))
    .sort()) {
    try {
      records.push({ path: `${shown}/${name}`, record: JSON.parse(readFileSync(join(path, name), 'utf8')) as unknown });
    } catch {
      io.err(`note: ${shown}/${name} is not valid JSON; not used to check SMS lengths\n`);
    }
  }
  return records;
}

export interface ValidateEnv {
  publicUrl: string;
  nowMs: number;
}

export function validate(argv: string[], io: Io, env?: ValidateEnv): number {
  const { args: positionals, opts } = parseCommand<Options>('validate', argv);
  const format = opts.format;
  const paths = positionals.length > 0 ? positionals : ['journeys'];
  for (const p of paths)
    if (!existsSync(resolvePath(io, p))) throw new CliError(`${p}: no such file or directory`, EXIT.usage);
  const records = env ? exampleRecords(opts.examples, io) : [];
  const smsExamples =
    env && records.length > 0 ? { smsExamples: { records, publicUrl: env.publicUrl, nowMs: env.nowMs } } : {};
  const { sources, ...result } = compileArguments(paths, io, smsExamples);
  if (format === 'json') {
    io.out(JSON.stringify({ files: sources.length, diagnostics: result.diagnostics }, null, 2) + '\n');
  } else {
    const text = new Map(sources.map((s) => [s.path, s.text]));
    io.out(
      formatDiagnosticsText(result.diagnostics, sources.length, {
        color: io.color && opts.color,
        sources: text,
      }),
    );
  }
  return result.diagnostics.some((d) => d.severity === 'error') ? EXIT.invalid : EXIT.ok;
}
