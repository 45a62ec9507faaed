/** settle validate [PATH...] [--format text|json]: schema + semantic checks of every file. */
import { existsSync } from 'node:fs';
import { formatDiagnosticsText } from '../../compiler/index.js';
import { CliError, EXIT, resolvePath, type Io } from '../io.js';
import { compileArguments } from '../project.js';
import { parseCommand } from '../spec.js';

interface Options {
  format: 'text' | 'json';
  color: boolean;
}

export function validate(argv: string[], io: Io): number {
  const { args: positionals, opts } = parseCommand<Options>('validate', argv);
  const format = opts.format;
  const paths = positionals.length > 0 ? positionals : ['journeys'];
  for (const p of paths)
    if (!existsSync(resolvePath(io, p))) throw new CliError(`${p}: no such file or directory`, EXIT.usage);
  const { sources, ...result } = compileArguments(paths, io);
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
