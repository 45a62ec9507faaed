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
  SharedTemplateChange,
  SmsSize,
  StepChangeCategory,
  TemplatePreview,
  VersionError,
} from './types.js';
import { STEP_CHANGE_CATEGORIES } from './types.js';
import { diffLines, formatUnifiedDiff } from '../line-diff.js';
import { change, code, details, fenced, table } from '../markdown.js';

export interface DiffMarkdownOptions {
  /** Heading of the comment (default "Settle plan diff"). */
  title?: string;
  /** Include the Mermaid graphs (default true). */
  graphs?: boolean;
  /** Kept lines around each template change (default 2). */
  context?: number;
  /** Longest template diff shown per part, in lines (default 60). */
  maxDiffLines?: number;
  /** Template parts rendered for the example record, shown beside the Liquid diff. */
  previews?: readonly TemplatePreview[];
  /** Where the previews' record comes from, e.g. "examples/records/mary-smith.json". */
  previewRecord?: string;
  /**
   * The longest comment (characters, default unlimited). Over it, the graphs go first, then the
   * rendered previews, then template diffs shrink, and last the comment is cut at a section
   * boundary with `cutNote`. GitHub refuses comments over 65,536 characters.
   */
  maxChars?: number;
  /** Said where the comment was shortened, e.g. where the full report is. */
  cutNote?: string;
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
  if (j.stepsRenamed.length > 0) parts.push(`${plural(j.stepsRenamed.length, 'step')} renamed`);
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

/** A journey's template lines: one line each, the diff itself is in the shared Templates section. */
function templateRefs(j: JourneyDiff): string[] {
  return j.templates.map((t) => {
    if (t.status === 'removed') return `- ${code(t.template)}: no longer used by this journey`;
    if (t.status === 'added') return `- ${code(t.template)}: newly used by this journey (see **Templates** above)`;
    return `- ${code(t.template)}: changed (see **Templates** above)`;
  });
}

function smsSize(s: SmsSize | undefined): string {
  return s === undefined
    ? '—'
    : `${s.units} ${s.encoding === 'GSM-7' ? 'chars' : 'UCS-2 units'}, ${plural(s.segments, 'segment')}`;
}

function smsLine(p: TemplatePreview): string | undefined {
  if (p.sms === undefined) return undefined;
  const { before, after } = p.sms;
  const delta =
    before && after
      ? ` (${after.units - before.units >= 0 ? '+' : ''}${after.units - before.units} chars, ${after.segments - before.segments >= 0 ? '+' : ''}${after.segments - before.segments} segments)`
      : '';
  const warn = before && after && after.segments > before.segments ? ' ⚠️ more segments: every send costs more' : '';
  return `SMS length: ${smsSize(before)} → ${smsSize(after)}${delta}${warn}`;
}

function previewBlock(p: TemplatePreview, record: string): string[] {
  const out: string[] = [];
  if (p.error !== undefined) out.push(`_Rendered for ${record}: ${p.error}_`, '');
  if (p.before !== undefined || p.after !== undefined) {
    const lines = diffLines(p.before ?? '', p.after ?? '');
    out.push(`Rendered for ${record}:`, '', fenced('diff', formatUnifiedDiff(lines, 1000)), '');
  }
  const sms = smsLine(p);
  if (sms !== undefined) out.push(sms, '');
  return out;
}

function sharedTemplateBlock(
  t: SharedTemplateChange,
  previews: readonly TemplatePreview[],
  opts: Required<DiffMarkdownOptions>,
): string[] {
  const c = t.change;
  const used = t.journeys.map(code).join(', ');
  const what = c.status === 'changed' ? 'changed' : c.status === 'added' ? 'newly used' : 'no longer used';
  const out = [`#### ${code(c.template)} — ${what}, in ${plural(t.journeys.length, 'journey')}: ${used}`, ''];
  if (c.status === 'removed') return out;
  if (c.fields.length > 0) out.push(...fieldList(c.fields), '');
  for (const p of c.parts) {
    out.push(`**${code(p.locale)} · ${p.part}** (${p.status}) — Liquid source:`, '');
    const lines = formatUnifiedDiff(p.lines, opts.context).split('\n');
    const shown = lines.slice(0, opts.maxDiffLines);
    out.push(fenced('diff', shown.join('\n')));
    if (lines.length > shown.length) out.push(`_… ${lines.length - shown.length} more lines not shown_`);
    out.push('');
    const preview = previews.find((v) => v.template === c.template && v.locale === p.locale && v.part === p.part);
    if (preview) out.push(...previewBlock(preview, opts.previewRecord));
  }
  return out;
}

function templatesSection(diff: PlanDiff, opts: Required<DiffMarkdownOptions>): string[] {
  if (diff.templates.length === 0) return [];
  const out = ['### 📝 Templates', ''];
  for (const t of diff.templates) out.push(...sharedTemplateBlock(t, opts.previews, opts));
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
    ...j.stepsRenamed.map((r) => `- ✏️ ${code(r.from)} renamed to ${code(r.to)} (${r.kind}), nothing else changed`),
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
  out.push(...section('Templates', templateRefs(j)));
  const shownSomething =
    j.journeyFields.length + j.stepsAdded.length + j.stepsRemoved.length + j.stepsRenamed.length + j.stepChanges.length;
  if (j.planChanged && shownSomething + j.policy.length + j.templates.length === 0) {
    out.push(
      `The plan's content hash changed (${code(j.before.sourceHash)} → ${code(j.after.sourceHash)}) but no field shown here differs.`,
      '',
    );
  }
  if (opts.graphs && j.graphChanged) out.push(graphs(j), '');
  else if (j.planChanged && !j.graphChanged) out.push('_The graph did not change._', '');
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

function render(diff: PlanDiff, opts: Required<DiffMarkdownOptions>, note?: string): string[] {
  const total = diff.added.length + diff.removed.length + diff.changed.length + diff.unchanged.length;
  const out = [`## ${opts.title}`, ''];
  if (total === 0) return [...out, 'No journeys.'];
  const touched = diff.added.length + diff.removed.length + diff.changed.length;
  out.push(
    touched === 0
      ? `No plan changes in ${plural(total, 'journey')}.`
      : `${diff.changed.length} changed · ${diff.added.length} added · ${diff.removed.length} removed · ${diff.unchanged.length} unchanged`,
    '',
  );
  if (note !== undefined) out.push(`> [!NOTE]\n> ${note}`, '');
  out.push(summaryTable(diff), '');
  if (diff.versionErrors.length > 0) {
    out.push(
      `**${plural(diff.versionErrors.length, 'journey')} need${diff.versionErrors.length === 1 ? 's' : ''} a version bump:**`,
      '',
    );
    out.push(...diff.versionErrors.map((e) => `- ${versionErrorLine(e)}`), '');
  }
  out.push(...templatesSection(diff, opts));
  for (const j of diff.changed) out.push(...journeySection(j, opts));
  for (const e of diff.added) out.push(...entrySection(e, true, opts));
  for (const e of diff.removed) out.push(...entrySection(e, false, opts));
  if (diff.unchanged.length > 0) {
    out.push(`**Unchanged:** ${diff.unchanged.map((e) => `${code(e.journey)} (v${e.version})`).join(', ')}`, '');
  }
  return out;
}

function join(out: readonly string[]): string {
  // Collapse runs of blank entries; multi-line blocks are single entries, so fences stay intact.
  const lines = out.filter((l, i) => l !== '' || (i > 0 && out[i - 1] !== ''));
  return `${lines.join('\n').trimEnd()}\n`;
}

/** Renders the diff as a pull-request comment, within `maxChars` when given. */
export function formatDiffMarkdown(diff: PlanDiff, options: DiffMarkdownOptions = {}): string {
  const opts: Required<DiffMarkdownOptions> = {
    title: options.title ?? 'Settle plan diff',
    graphs: options.graphs ?? true,
    context: options.context ?? 2,
    maxDiffLines: options.maxDiffLines ?? 60,
    previews: options.previews ?? [],
    previewRecord: options.previewRecord ?? 'the example record',
    maxChars: options.maxChars ?? Infinity,
    cutNote: options.cutNote ?? 'The full report is not shown here.',
  };
  const full = join(render(diff, opts));
  if (full.length <= opts.maxChars) return full;
  // Shorter and shorter until it fits: the graphs, the previews, long template diffs.
  const steps: { left: string; opts: Required<DiffMarkdownOptions> }[] = [
    { left: 'the graphs', opts: { ...opts, graphs: false } },
    { left: 'the graphs and rendered previews', opts: { ...opts, graphs: false, previews: [] } },
    {
      left: 'the graphs, rendered previews and template diffs past 10 lines',
      opts: { ...opts, graphs: false, previews: [], maxDiffLines: 10 },
    },
  ];
  let last: string[] = [];
  for (const step of steps) {
    const note = `This comment leaves out ${step.left} to stay under GitHub's size limit. ${opts.cutNote}`;
    last = render(diff, step.opts, note);
    const text = join(last);
    if (text.length <= opts.maxChars) return text;
  }
  // Still too long: cut whole entries (blocks never split) and say where.
  const note = `This comment was cut to stay under GitHub's size limit. ${opts.cutNote}`;
  const lines = render(diff, steps[steps.length - 1]!.opts, note);
  const tail = `\n_… cut here. ${opts.cutNote}_\n`;
  const kept: string[] = [];
  let size = tail.length;
  for (const l of lines) {
    if (size + l.length + 1 > opts.maxChars) break;
    kept.push(l);
    size += l.length + 1;
  }
  return join(kept) + tail;
}
