/** The Markdown of `settle deploy`: checks first, then the running journeys a change affects. */
import type { RunningVersion } from './deploy-running.js';

export interface DeployReport {
  dir: string;
  journeys: { journey: string; version: number }[];
  compileErrors: string[];
  base?: string;
  versions?: {
    changed: { journey: string; before: number; after: number }[];
    added: { journey: string; version: number }[];
    removed: { journey: string; version: number }[];
    errors: string[];
  };
  temporal: {
    address: string;
    namespace: string;
    reachable: boolean;
    error?: string;
    versions?: RunningVersion[];
    /** The routing table hand-overs use (src/temporal/routing-store.ts), published when the checks pass. */
    routing?: { status: 'published' | 'unchanged'; segments: number; taskQueue: string } | { error: string };
  };
  running: (RunningVersion & {
    current: number | null;
    stepsGone: string[];
    /** For a version older than the repository's: where `settle migrate` would take the journeys of each step, or why they would stay. */
    migration?: { step: string; count: number; to?: string; stay?: string }[];
  })[];
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function checks(r: DeployReport): string[] {
  const out: string[] = [];
  if (r.compileErrors.length === 0)
    out.push(
      `- ✅ \`${r.dir}\` compiles: ${plural(r.journeys.length, 'journey')} (${r.journeys.map((j) => `${j.journey} v${j.version}`).join(', ')})`,
    );
  else
    out.push(
      `- ❌ \`${r.dir}\` has ${plural(r.compileErrors.length, 'error')}:`,
      ...r.compileErrors.map((e) => `  - \`${e}\``),
    );
  const v = r.versions;
  if (!v) out.push('- ➖ version bumps not checked (give `--base REF`, e.g. `--base origin/main`)');
  else if (v.errors.length > 0) out.push(...v.errors.map((e) => `- ${e}`));
  else {
    const changed = v.changed.map((c) => `${c.journey} v${c.before} → v${c.after}`);
    out.push(`- ✅ versions against \`${r.base}\`: ${changed.length > 0 ? changed.join(', ') : 'no journey changed'}`);
  }
  const routing = r.temporal.routing;
  if (routing && 'error' in routing) out.push(`- ❌ routing table not published: ${routing.error}`);
  else if (routing)
    out.push(
      `- ✅ routing table (${plural(routing.segments, 'segment')}) for task queue \`${routing.taskQueue}\`: ${routing.status === 'published' ? 'published' : 'unchanged'}`,
    );
  if (v && v.added.length > 0) out.push(`- ➕ new: ${v.added.map((a) => `${a.journey} v${a.version}`).join(', ')}`);
  if (v && v.removed.length > 0)
    out.push(
      `- ➖ removed from \`${r.dir}\`: ${v.removed.map((a) => `${a.journey} v${a.version}`).join(', ')} (running ones still finish on their version)`,
    );
  return out;
}

function runningTable(r: DeployReport): string[] {
  const t = r.temporal;
  if (!t.reachable)
    return [
      `Temporal at \`${t.address}\` was not reachable, so running journeys are not reported (${t.error ?? 'no answer'}).`,
    ];
  if (r.running.length === 0) return [`No journey is running on \`${t.address}\` (namespace \`${t.namespace}\`).`];
  const out = [
    `Running journeys on \`${t.address}\` (namespace \`${t.namespace}\`), from search attributes:`,
    '',
    '| journey | version | running | waiting in |',
    '| --- | --- | ---: | --- |',
  ];
  for (const v of r.running) {
    const tag =
      v.current === null
        ? ' (no longer in the repository)'
        : v.current === v.version
          ? ' (current)'
          : ` (repository: v${v.current})`;
    const steps = v.steps.map((s) => `${s.step} ${s.count}`).join(', ');
    out.push(`| ${v.journey} | v${v.version}${tag} | ${v.running} | ${steps} |`);
  }
  const gone = r.running.filter((v) => v.stepsGone.length > 0);
  if (gone.length > 0) {
    out.push(
      '',
      'Steps that the repository version no longer has — these journeys finish on their own version, which must stay replayable:',
    );
    for (const v of gone) out.push(`- ${v.journey} v${v.version}: ${v.stepsGone.join(', ')}`);
  }
  const migrations = r.running.filter((v) => v.migration !== undefined && v.current !== null);
  if (migrations.length > 0) {
    out.push('', 'What `settle migrate` would do with them (at their next wait, keeping their history):');
    for (const v of migrations) {
      const moves = v.migration!.map((m) =>
        m.to !== undefined
          ? `${m.step} ${m.count} → ${m.to}`
          : `${m.step} ${m.count} stay${m.count === 1 ? 's' : ''} (${m.stay})`,
      );
      out.push(`- \`settle migrate --to ${v.current} --journey ${v.journey}\`: v${v.version} ${moves.join(', ')}`);
    }
  }
  return out;
}

export function formatDeployMarkdown(r: DeployReport): string {
  return ['## settle deploy', '', ...checks(r), '', '### Running journeys', '', ...runningTable(r), ''].join('\n');
}
