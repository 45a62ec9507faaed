/**
 * settle diff --base REF [--dir journeys] | settle diff OLD NEW: Markdown for a pull request —
 * what changed per journey, and an error (exit 1) when a plan changed without a version bump.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { compileSources, readSources, type CompileResult } from '../../compiler/index.js';
import { diffPlans, formatDiffMarkdown } from '../../render/index.js';
import { sourcesAtRevision } from '../git.js';
import { CliError, EXIT, resolvePath, UsageError, type Io } from '../io.js';

export const usage = 'settle diff --base REF [--dir journeys]   |   settle diff OLD NEW';

function errorSection(title: string, result: CompileResult): string {
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length === 0) return '';
  const rows = errors.map(
    (d) => `- \`${d.file}:${d.line}:${d.column}\` **${d.code}** ${d.message}${d.hint ? ` — ${d.hint}` : ''}`,
  );
  return `\n### ❌ ${title} has ${errors.length} error${errors.length === 1 ? '' : 's'}\n\n${rows.join('\n')}\n`;
}

export function diff(argv: string[], io: Io): number {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { base: { type: 'string' }, dir: { type: 'string' } },
    allowPositionals: true,
  });
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
  io.out(formatDiffMarkdown(d) + errorSection('The new version', after));
  const afterErrors = after.diagnostics.some((x) => x.severity === 'error');
  return d.versionErrors.length > 0 || afterErrors ? EXIT.invalid : EXIT.ok;
}
