/** settle validate [PATH...] [--format text|json]: schema + semantic checks of every file. */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { formatDiagnosticsText } from '../../compiler/index.js';
import { CliError, EXIT, oneOf, resolvePath, type Io } from '../io.js';
import { compileArguments } from '../project.js';

export const usage = 'settle validate [PATH...] [--format text|json]';

export function validate(argv: string[], io: Io): number {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { format: { type: 'string' }, 'no-color': { type: 'boolean' } },
    allowPositionals: true,
  });
  const format = oneOf(values.format, ['text', 'json'] as const, 'format', 'text');
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
        color: io.color && !values['no-color'],
        sources: text,
      }),
    );
  }
  return result.diagnostics.some((d) => d.severity === 'error') ? EXIT.invalid : EXIT.ok;
}
