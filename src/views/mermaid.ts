/**
 * `settle plan --format mermaid` and the graphs of `settle diff`: the journey as a Mermaid
 * `flowchart TD`. Node shapes tell step kinds apart, edge labels name the routes (branch
 * conditions in full, wrapped; routes sharing an arrow joined by "or"), exceptional paths are
 * dotted. Ids are prefixed and sanitised and every label is entity-escaped, so any
 * step id or CEL condition yields a diagram GitHub renders; output is deterministic.
 */
import type { JourneyPlan, PlanStep } from '../ir/plan.js';
import { formatCompoundDuration } from '../core/duration.js';
import { stepEdges } from './step-edges.js';
import { formatVariants, formatWait, formatWebhookUrl } from './step-text.js';

const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const START_NODE = 'journey_start';
/** Edge labels wrap at this many characters per line (never cut). */
const MAX_EDGE_LABEL = 40;

/** Mermaid entity codes for characters that would end or confuse a quoted label. */
export function escapeMermaidLabel(text: string): string {
  return text
    .replace(/#/g, '#35;')
    .replace(/&/g, '#amp;')
    .replace(/"/g, '#quot;')
    .replace(/</g, '#lt;')
    .replace(/>/g, '#gt;')
    .replace(/`/g, '#96;')
    .replace(/\|/g, '#124;')
    .replace(/\s*\r?\n\s*/g, ' ');
}

/**
 * Breaks a label into lines of about `width` characters at spaces, so a long CEL condition is
 * shown in full on its edge; a word longer than `width` stays whole on its own line.
 */
export function wrap(text: string, width = MAX_EDGE_LABEL): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.replace(/\s+/g, ' ').trim().split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** Escaped label lines joined with Mermaid's line break. */
function label(...lines: string[]): string {
  return `"${lines.map(escapeMermaidLabel).join('<br/>')}"`;
}

/** An edge label: each route's text wrapped in full, alternatives joined by an explicit "or". */
function edgeLabel(routes: readonly string[]): string {
  const lines = routes.flatMap((r, i) => {
    const wrapped = wrap(r);
    return i === 0 ? wrapped : [`or ${wrapped[0] ?? ''}`, ...wrapped.slice(1)];
  });
  return label(...lines);
}

/**
 * Step id → node id. Kebab-case ids become `s_<id with _>` (injective, and never a Mermaid
 * keyword such as `end`); anything else gets a positional `n<i>`, unknown targets `u<i>`.
 */
class NodeIds {
  private readonly ids = new Map<string, string>();
  private unknown = 0;

  constructor(steps: readonly PlanStep[]) {
    steps.forEach((s, i) => this.ids.set(s.id, KEBAB.test(s.id) ? `s_${s.id.replace(/-/g, '_')}` : `n${i}`));
  }

  has(stepId: string): boolean {
    return this.ids.has(stepId);
  }

  get(stepId: string): string {
    let id = this.ids.get(stepId);
    if (id === undefined) {
      id = `u${this.unknown++}`;
      this.ids.set(stepId, id);
    }
    return id;
  }
}

function nodeLine(step: PlanStep, id: string): string {
  switch (step.kind) {
    case 'send': {
      const lines = [step.id, `${step.channel}: ${step.template}`];
      if (step.paymentLink) lines.push('+ payment link');
      return `${id}[${label(...lines)}]`;
    }
    case 'wait':
      return `${id}([${label(step.id, `wait ${formatWait(step.wait)}`)}])`;
    case 'waitFor':
      return `${id}{{${label(step.id, `wait for ${step.events.join(', ')}`, `timeout ${formatCompoundDuration(step.timeoutMs)}`)}}}`;
    case 'branch':
      return `${id}{${label(step.id)}}`;
    case 'split':
      return `${id}[/${label(step.id, `split ${formatVariants(step)}`)}\\]`;
    case 'webhook':
      return `${id}[[${label(step.id, `webhook ${formatWebhookUrl(step.url)}`)}]]`;
    case 'exit':
      return `${id}(((${label(step.id, `exit: ${step.outcome}`, ...(step.handOver ? ['→ next journey'] : []))})))`;
    case 'trackPlan':
      return `${id}[/${label(step.id, 'payment plan', ...(step.remind ? [`remind ${step.remind.channel}: ${step.remind.template}`] : []))}/]`;
  }
}

interface DrawnEdge {
  from: string;
  to: string;
  style: 'solid' | 'dotted';
  labels: string[];
}

/**
 * Edges of one step: labelled routes to the same target and style merged into one arrow, and an
 * exceptional route (onFailure, onBlocked) to the step's plain next folded into that arrow, so
 * two arrows never run side by side between the same nodes with labels on top of each other.
 */
function drawnEdges(step: PlanStep, ids: NodeIds): DrawnEdge[] {
  const out: DrawnEdge[] = [];
  const edges = stepEdges(step);
  const plain = edges.find((e) => e.key === 'next' && e.label === undefined);
  for (const e of edges) {
    const from = ids.get(step.id);
    const to = ids.get(e.to);
    if (plain && e !== plain && e.style === 'dotted' && e.to === plain.to) {
      const arrow = out.find((d) => d.to === to && d.style === 'solid')!;
      if (arrow.labels.length === 0) arrow.labels.push(step.kind === 'send' ? 'sent' : 'done');
      arrow.labels.push(e.label ?? e.key);
      continue;
    }
    const text = e.label;
    const same =
      text === undefined ? undefined : out.find((d) => d.to === to && d.style === e.style && d.labels.length > 0);
    if (same && text !== undefined) same.labels.push(text);
    else out.push({ from, to, style: e.style, labels: text === undefined ? [] : [text] });
  }
  return out;
}

function edgeLine(e: DrawnEdge): string {
  const arrow = e.style === 'dotted' ? '-.->' : '-->';
  const text = e.labels.length > 0 ? `|${edgeLabel(e.labels)}|` : '';
  return `${e.from} ${arrow}${text} ${e.to}`;
}

/**
 * Dotted arrows with the same label from several steps into one step (two webhooks' onFailure
 * into the same exit) would put their labels on top of each other near the target: they meet in
 * one small labelled node instead, and a single dotted arrow goes on from there.
 */
function joinConverging(drawn: readonly DrawnEdge[]): string[] {
  const key = (e: DrawnEdge): string => `${e.to}\u0000${e.labels.join('\u0000')}`;
  const groups = new Map<string, DrawnEdge[]>();
  for (const e of drawn) {
    if (e.style !== 'dotted' || e.labels.length === 0) continue;
    groups.set(key(e), [...(groups.get(key(e)) ?? []), e]);
  }
  const out: string[] = [];
  const joined = new Set<string>();
  let n = 0;
  for (const e of drawn) {
    const group = groups.get(key(e));
    if (group === undefined || group.length < 2) {
      out.push(edgeLine(e));
      continue;
    }
    if (joined.has(key(e))) continue;
    joined.add(key(e));
    const junction = `j${n++}`;
    out.push(`${junction}([${edgeLabel(e.labels)}])`);
    for (const g of group) out.push(`${g.from} -.- ${junction}`);
    out.push(`${junction} -.-> ${e.to}`);
  }
  return out;
}

export type Highlight = 'added' | 'removed' | 'changed';

export interface MermaidOptions {
  /** Step ids to colour, e.g. the steps a diff added or changed. */
  highlight?: Partial<Record<Highlight, readonly string[]>>;
}

const HIGHLIGHT_STYLES: Record<Highlight, string> = {
  added: 'fill:#dafbe1,stroke:#1a7f37',
  removed: 'fill:#ffebe9,stroke:#cf222e',
  changed: 'fill:#fff8c5,stroke:#9a6700',
};

function highlightLines(options: MermaidOptions, ids: NodeIds): string[] {
  const out: string[] = [];
  for (const kind of ['added', 'removed', 'changed'] as const) {
    const steps = (options.highlight?.[kind] ?? []).filter((s) => ids.has(s));
    if (steps.length === 0) continue;
    out.push(`classDef ${kind} ${HIGHLIGHT_STYLES[kind]}`, `class ${steps.map((s) => ids.get(s)).join(',')} ${kind}`);
  }
  return out;
}

/** Renders a plan as a Mermaid flowchart (top-down). */
export function formatPlanMermaid(plan: JourneyPlan, options: MermaidOptions = {}): string {
  const ids = new NodeIds(plan.steps);
  const nodes = plan.steps.map((s) => nodeLine(s, ids.get(s.id)));
  const edges = [`${START_NODE}(("start")) --> ${ids.get(plan.start)}`];
  edges.push(...joinConverging(plan.steps.flatMap((s) => drawnEdges(s, ids))));
  const missing: string[] = [];
  const stepIds = new Set(plan.steps.map((s) => s.id));
  const targets = [plan.start, ...plan.steps.flatMap((s) => stepEdges(s).map((e) => e.to))];
  for (const t of targets) {
    if (!stepIds.has(t) && !missing.includes(t)) missing.push(t);
  }
  const comment = `%% ${plan.journey} v${plan.version}: goal ${plan.goal} ends the journey at any step`;
  const lines = [
    'flowchart TD',
    comment.replace(/[\r\n]+/g, ' '),
    ...nodes,
    ...missing.map((t) => `${ids.get(t)}[${label(`unknown step ${t}`)}]`),
    ...edges,
    ...highlightLines(options, ids),
  ];
  return `${lines.map((l, i) => (i === 0 ? l : `  ${l}`)).join('\n')}\n`;
}
