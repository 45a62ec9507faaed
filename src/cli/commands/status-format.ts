/**
 * Text output of `settle status`: one block per journey — what it is, where it is, and what
 * happened (sends, events, then the whole audit trail in time order). Times are UTC, to the
 * second, so support staff in any office read the same instants.
 */
import type { JourneyStatus } from './status-journey.js';

export function utc(ms: number | string): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function table(rows: string[][], indent: string): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map(
    (r) =>
      indent +
      r
        .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
  );
}

export function headline(s: JourneyStatus): string {
  const version = s.version ?? s.view?.version ?? s.result?.version;
  const outcome = s.view?.outcome ?? s.result?.outcome;
  const state = outcome !== undefined && s.status !== 'running' ? `${s.status} (${outcome})` : s.status;
  return `${s.view?.journey ?? s.journey}${version !== undefined ? ` v${version}` : ''}  ${state}  ${s.workflowId}`;
}

/** The debt's whole path across journeys (hand-overs), oldest first, ending with the journey it is in. */
function pathLines(s: JourneyStatus): string[] {
  const v = s.view;
  if (!v?.path || v.path.length === 0) return [];
  const legs = v.path.map((l) => [
    utc(l.startedAt),
    utc(l.endedAt),
    `${l.journey} v${l.version}`,
    l.segment ?? '',
    l.outcome,
  ]);
  const since = v.path[v.path.length - 1]!.endedAt;
  const now = v.outcome ?? (s.status === 'running' ? `now at ${v.current}` : s.status);
  legs.push([utc(since), s.closedAt ? utc(s.closedAt) : '…', `${v.journey} v${v.version}`, '', now]);
  return ['  path across journeys', ...table(legs, '    ')];
}

/** Migrations to newer versions (settle migrate): moved, or stayed and why. */
function migrationLines(s: JourneyStatus): string[] {
  const m = s.view?.migrations;
  if (!m || m.length === 0) return [];
  const rows = m.map((x) => [
    utc(x.at),
    `v${x.fromVersion} → v${x.toVersion}`,
    x.toStep !== undefined ? `${x.fromStep} → ${x.toStep}` : `stayed at ${x.fromStep}: ${x.reason ?? 'no place'}`,
    x.requestId,
  ]);
  return ['  migrations', ...table(rows, '    ')];
}

/** The debt's disputes (the payment page's dispute form): reason, the debtor's words, where each stands. */
function disputeLines(s: JourneyStatus): string[] {
  const d = s.view?.disputes;
  if (!d || d.length === 0) return [];
  const rows = d.map((x) => [
    utc(x.openedAt),
    x.status === 'open' ? 'open' : `${x.status} ${utc(x.closedAt ?? x.openedAt)}`,
    x.reason +
      (x.text !== undefined ? `: ${JSON.stringify(x.text.length > 80 ? `${x.text.slice(0, 79)}…` : x.text)}` : ''),
  ]);
  return ['  disputes', ...table(rows, '    ')];
}

/** Promises to pay made on the payment page: the date promised and how each ended. */
function promiseLines(s: JourneyStatus): string[] {
  const p = s.view?.promises;
  if (!p || p.length === 0) return [];
  const rows = p.map((x) => [
    utc(x.madeAt),
    `by ${x.date}`,
    x.status + (x.endedAt !== undefined ? ` ${utc(x.endedAt)}` : ''),
  ]);
  return ['  promises to pay', ...table(rows, '    ')];
}

/** Call-backs asked for and contact preferences set on the payment page. */
function contactLines(s: JourneyStatus): string[] {
  const v = s.view;
  const rows: string[][] = [];
  for (const c of v?.callbacks ?? []) rows.push([utc(c.at), 'call-back', `${c.date} ${c.slot}`]);
  const p = v?.preferences;
  if (p !== undefined) {
    const set = [p.locale !== undefined && `language ${p.locale}`, p.channel !== undefined && `prefers ${p.channel}`];
    rows.push(['', 'preferences', set.filter(Boolean).join(', ') || 'none']);
  }
  return rows.length === 0 ? [] : ['  self-service', ...table(rows, '    ')];
}

export function facts(s: JourneyStatus): string[] {
  const rows: string[][] = [['started', utc(s.startedAt)]];
  if (s.closedAt) rows.push(['ended', utc(s.closedAt)]);
  const current = s.view?.current ?? (s.status === 'running' ? s.waitingAt : undefined);
  if (current !== undefined && s.status === 'running') rows.push(['current step', current]);
  const variants = s.view?.variants ?? (s.result?.variant !== undefined ? { split: s.result.variant } : {});
  const shown = Object.entries(variants).map(([step, v]) => `${v} (${step})`);
  if (shown.length > 0) rows.push(['variant', shown.join(', ')]);
  if (s.view && s.view.optedOut.length > 0) rows.push(['opted out', s.view.optedOut.join(', ')]);
  return table(rows, '  ');
}

function viewLines(s: JourneyStatus): string[] {
  const v = s.view;
  if (!v) return [`  (${s.noView ?? 'no journey state available'})`];
  const lines: string[] = [];
  lines.push('  sends' + (v.sends.length === 0 ? '  none' : ''));
  lines.push(
    ...table(
      v.sends.map((x) => [utc(x.at), x.step, x.channel, x.status + (x.reason ? ` (${x.reason})` : '')]),
      '    ',
    ),
  );
  lines.push('  events' + (v.events.length === 0 ? '  none' : ''));
  lines.push(
    ...table(
      v.events.map((e) => [utc(e.at), e.type, e.messageId !== undefined ? `message ${e.messageId}` : '']),
      '    ',
    ),
  );
  const audit = [...v.audit].sort((a, b) => a.at - b.at);
  lines.push('  audit' + (audit.length === 0 ? '  none' : ''));
  lines.push(
    ...table(
      audit.map((a) => [utc(a.at), a.kind, a.step ?? '', a.message]),
      '    ',
    ),
  );
  return lines;
}

/** The debtor's contact ledger, shown once: contacts of this debt from every journey, and opt-outs. */
function ledgerLines(statuses: JourneyStatus[]): string[] {
  const ledger = statuses.find((s) => s.ledger)?.ledger;
  if (!ledger) return [];
  const journeyOf = new Map(statuses.map((s) => [s.workflowId, s.journey]));
  const lines = ['contact ledger (every journey of the debtor)'];
  const rows = [['opted out', ledger.optedOut.length > 0 ? ledger.optedOut.join(', ') : 'none']];
  // Hard-bounced addresses hold for every debt of the debtor (shown when there are any).
  const bounced = (ledger.bounced ?? []).map((b) => `${b.channel} (debt ${b.debtId}, ${utc(b.at)})`);
  if (bounced.length > 0) rows.push(['bounced', bounced.join('; ')]);
  lines.push(...table(rows, '  '));
  lines.push('  contacts of this debt' + (ledger.contacts.length === 0 ? '  none' : ''));
  lines.push(
    ...table(
      ledger.contacts.map((c) => [utc(c.at), c.channel, journeyOf.get(c.workflowId) ?? c.workflowId]),
      '    ',
    ),
  );
  return lines;
}

export function formatStatusText(statuses: JourneyStatus[]): string {
  const blocks = statuses.map((s) =>
    [
      headline(s),
      ...facts(s),
      ...pathLines(s),
      ...migrationLines(s),
      ...promiseLines(s),
      ...disputeLines(s),
      ...contactLines(s),
      ...viewLines(s),
    ].join('\n'),
  );
  const ledger = ledgerLines(statuses);
  if (ledger.length > 0) blocks.push(ledger.join('\n'));
  return blocks.join('\n\n') + '\n';
}
