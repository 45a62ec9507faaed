/**
 * `settle diff` output: the pull-request comment. A summary table first (what a reviewer
 * scans), ❌ lines for missing version bumps (what blocks the merge), then one section per
 * changed journey with its step, route, timing, policy and template changes, and the before /
 * after graphs folded away. Pure function of the diff data, so the comment is deterministic.
 */
import type {
  FieldChange,
  JourneyDiff,
  JourneyEntry,
  PlanDiff,
  StepChangeCategory,
  VersionError,
} from './diff-types.js';
import { STEP_CHANGE_CATEGORIES } from './diff-types.js';
import { formatUnifiedDiff } from './line-diff.js';
import { change, code, details, fenced, table } from './markdown.js';

export interface DiffMarkdownOptions {
  /** Heading of the comment (default "Settle plan diff"). */
  title?: string;
  /** Include the Mermaid graphs (default true). */
  graphs?: boolean;
  /** Kept lines around each template change (default 2). */
  context?: number;
  /** Longest template diff shown per part, in lines (default 60). */
  maxDiffLines?: number;
}

const HEADINGS: Record<StepChangeCategory, string> = {
  kind: 'Step kinds',
  rewired: 'Routes',
  timing: 'Timing',
  send: 'Sends',
  events: 'Events listened to',
  branch: 'Branch conditions',
  split: 'Split variants',
  webhook: 'Webhooks',
  exit: 'Exit outcomes',
};

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The ❌ line for a journey (also used in the summary list). */
export function versionErrorLine(e: VersionError): string {
  if (e.reason === 'decreased') {
    return `❌ ${code(e.journey)}: the version went down (${e.before} → ${e.after}); versions must only increase — set \`metadata.version: ${e.before + 1}\` or higher.`;
  }
  return `❌ ${code(e.journey)}: the plan changed but the version did not increase (${e.before} → ${e.after}) — set \`metadata.version: ${e.before + 1}\` or higher.`;
}

function changeSummary(j: JourneyDiff): string {
  const parts: string[] = [];
  if (j.stepsAdded.length > 0) parts.push(`${plural(j.stepsAdded.length, 'step')} added`);
  if (j.stepsRemoved.length > 0) parts.push(`${plural(j.stepsRemoved.length, 'step')} removed`);
  for (const category of STEP_CHANGE_CATEGORIES) {
    const n = j.stepChanges.filter((c) => c.category === category).length;
    if (n > 0) parts.push(`${n} ${category}`);
  }
  if (j.journeyFields.length > 0) parts.push(`${j.journeyFields.length} journey`);
  if (j.policy.length > 0) parts.push(`${j.policy.length} policy`);
  if (j.templates.length > 0) parts.push(plural(j.templates.length, 'template'));
  if (parts.length === 0) return j.planChanged ? 'content hash only' : 'version only';
  return parts.join(' · ');
}

function summaryTable(diff: PlanDiff): string {
  const rows: { name: string; row: string[] }[] = [
    ...diff.added.map((e) => ({
      name: e.journey,
      row: [code(e.journey), '➕ added', `v${e.version}`, plural(e.steps, 'step')],
    })),
    ...diff.removed.map((e) => ({
      name: e.journey,
      row: [code(e.journey), '➖ removed', `v${e.version}`, plural(e.steps, 'step')],
    })),
    ...diff.changed.map((j) => ({
      name: j.journey,
      row: [
        code(j.journey),
        j.versionError ? '❌ changed' : '✏️ changed',
        `v${j.before.version} → v${j.after.version}${j.versionError ? ' ❌' : ''}`,
        changeSummary(j),
      ],
    })),
    ...diff.unchanged.map((e) => ({ name: e.journey, row: [code(e.journey), 'unchanged', `v${e.version}`, '—'] })),
  ];
  rows.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  return table(
    ['Journey', 'Change', 'Version', 'What changed'],
    rows.map((r) => r.row),
  );
}

function fieldList(changes: readonly FieldChange[]): string[] {
  return changes.map((c) => `- ${c.field}: ${change(c.before, c.after)}`);
}

function routeLine(step: string, route: string, before?: string, after?: string): string {
  if (before === undefined) return `- ${code(step)} ${route}: new route to ${code(after ?? '')}`;
  if (after === undefined) return `- ${code(step)} ${route}: route to ${code(before)} removed`;
  return `- ${code(step)} ${route}: ${code(before)} → ${code(after)}`;
}

function section(heading: string, lines: readonly string[]): string[] {
  return lines.length === 0 ? [] : [`**${heading}**`, '', ...lines, ''];
}

function templateBlocks(j: JourneyDiff, opts: Required<DiffMarkdownOptions>): string[] {
  const out: string[] = [];
  for (const t of j.templates) {
    if (t.status === 'removed') {
      out.push(`- ${code(t.template)}: no longer used by this journey`, '');
      continue;
    }
    if (t.status === 'added') out.push(`- ${code(t.template)}: newly used by this journey`, '');
    if (t.fields.length > 0)
      out.push(...fieldList(t.fields).map((l) => l.replace(/^- /, `- ${code(t.template)} `)), '');
    for (const p of t.parts) {
      out.push(`${code(t.template)} · ${code(p.locale)} · ${p.part} (${p.status})`, '');
      const lines = formatUnifiedDiff(p.lines, opts.context).split('\n');
      const shown = lines.slice(0, opts.maxDiffLines);
      out.push(fenced('diff', shown.join('\n')));
      if (lines.length > shown.length) out.push(`_… ${lines.length - shown.length} more lines not shown_`);
      out.push('');
    }
  }
  return out;
}

function graphs(j: JourneyDiff): string {
  const body = [
    `**Before (v${j.before.version})**`,
    '',
    fenced('mermaid', j.graphs.before),
    '',
    `**After (v${j.after.version})**`,
    '',
    fenced('mermaid', j.graphs.after),
  ].join('\n');
  return details(`Graphs of ${j.journey}: before (v${j.before.version}) and after (v${j.after.version})`, body);
}

function journeySection(j: JourneyDiff, opts: Required<DiffMarkdownOptions>): string[] {
  const out = [`### ✏️ ${code(j.journey)} — v${j.before.version} → v${j.after.version}`, ''];
  if (j.versionError) out.push(versionErrorLine(j.versionError), '');
  if (!j.planChanged) out.push('The plan itself did not change.', '');
  out.push(...section('Journey', fieldList(j.journeyFields)));
  const steps = [
    ...j.stepsAdded.map((s) => `- ➕ ${code(s.id)} (${s.kind}): ${s.summary}`),
    ...j.stepsRemoved.map((s) => `- ➖ ${code(s.id)} (${s.kind}): ${s.summary}`),
  ];
  out.push(...section('Steps', steps));
  for (const category of STEP_CHANGE_CATEGORIES) {
    const changes = j.stepChanges.filter((c) => c.category === category);
    const lines = changes.map((c) =>
      category === 'rewired'
        ? routeLine(c.step, c.field, c.before, c.after)
        : `- ${code(c.step)} ${c.field}: ${change(c.before, c.after)}`,
    );
    out.push(...section(HEADINGS[category], lines));
  }
  out.push(...section('Policy', fieldList(j.policy)));
  out.push(...section('Templates', templateBlocks(j, opts)));
  const shownSomething = j.journeyFields.length + j.stepsAdded.length + j.stepsRemoved.length + j.stepChanges.length;
  if (j.planChanged && shownSomething + j.policy.length + j.templates.length === 0) {
    out.push(
      `The plan's content hash changed (${code(j.before.sourceHash)} → ${code(j.after.sourceHash)}) but no field shown here differs.`,
      '',
    );
  }
  if (opts.graphs && j.planChanged) out.push(graphs(j), '');
  return out;
}

function entrySection(e: JourneyEntry, added: boolean, opts: Required<DiffMarkdownOptions>): string[] {
  const out = [
    added
      ? `### ➕ ${code(e.journey)} — new, v${e.version}`
      : `### ➖ ${code(e.journey)} — removed (was v${e.version})`,
    '',
    added
      ? `${plural(e.steps, 'step')}. New enrollments can start it once merged.`
      : `${plural(e.steps, 'step')}. Journeys already running on it continue on their pinned version.`,
    '',
  ];
  if (opts.graphs && added) out.push(details(`Graph of ${e.journey} (v${e.version})`, fenced('mermaid', e.graph)), '');
  return out;
}

/** Renders the diff as a pull-request comment. */
export function formatDiffMarkdown(diff: PlanDiff, options: DiffMarkdownOptions = {}): string {
  const opts: Required<DiffMarkdownOptions> = {
    title: options.title ?? 'Settle plan diff',
    graphs: options.graphs ?? true,
    context: options.context ?? 2,
    maxDiffLines: options.maxDiffLines ?? 60,
  };
  const total = diff.added.length + diff.removed.length + diff.changed.length + diff.unchanged.length;
  const out = [`## ${opts.title}`, ''];
  if (total === 0) return `${[...out, 'No journeys.'].join('\n')}\n`;
  const touched = diff.added.length + diff.removed.length + diff.changed.length;
  out.push(
    touched === 0
      ? `No plan changes in ${plural(total, 'journey')}.`
      : `${diff.changed.length} changed · ${diff.added.length} added · ${diff.removed.length} removed · ${diff.unchanged.length} unchanged`,
    '',
    summaryTable(diff),
    '',
  );
  if (diff.versionErrors.length > 0) {
    out.push(
      `**${plural(diff.versionErrors.length, 'journey')} need${diff.versionErrors.length === 1 ? 's' : ''} a version bump:**`,
      '',
    );
    out.push(...diff.versionErrors.map((e) => `- ${versionErrorLine(e)}`), '');
  }
  for (const j of diff.changed) out.push(...journeySection(j, opts));
  for (const e of diff.added) out.push(...entrySection(e, true, opts));
  for (const e of diff.removed) out.push(...entrySection(e, false, opts));
  if (diff.unchanged.length > 0) {
    out.push(`**Unchanged:** ${diff.unchanged.map((e) => `${code(e.journey)} (v${e.version})`).join(', ')}`, '');
  }
  // Collapse runs of blank entries; multi-line blocks are single entries, so fences stay intact.
  const lines = out.filter((l, i) => l !== '' || (i > 0 && out[i - 1] !== ''));
  return `${lines.join('\n').trimEnd()}\n`;
}
