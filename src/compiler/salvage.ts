/**
 * Every problem at once: a journey whose structural errors stay inside some of its steps (or its
 * metadata) is still checked, so fixing one schema error does not reveal five semantic ones.
 * Each broken step becomes an opaque placeholder: it keeps its id (other steps' routes to it
 * resolve), it is checked for nothing, and the graph checks assume it may go anywhere and wait
 * (graph.ts), so only the checks that depend on the broken step are dropped.
 */
import type { Salvaged } from '../project/project.js';
import type { Journey } from '../dsl/index.js';
import type { PendingDiagnostic } from './diagnostic.js';

/** Id given to a broken step that has no usable id: never a valid step id, never shown in hints. */
export function placeholderId(i: number): string {
  return `(step ${i + 1})`;
}

export function isPlaceholderId(id: string): boolean {
  return id.startsWith('(step ');
}

/**
 * The checkable part of a journey that failed the schema, or undefined when an error lies outside
 * its steps and metadata (the envelope, the policy, the list of steps itself): then nothing is checked.
 */
export function salvageJourney(doc: unknown, structural: PendingDiagnostic[]): Salvaged | undefined {
  const broken = new Set<number>();
  for (const d of structural) {
    const [first, second, third] = d.at;
    if (first === 'metadata') continue; // only the name is used, and it is a string (the document is registered)
    if (first === 'spec' && second === 'steps' && typeof third === 'number') broken.add(third);
    else return undefined;
  }
  const spec = (doc as { spec?: unknown }).spec as Record<string, unknown> | undefined;
  const steps = spec?.steps;
  if (!Array.isArray(steps)) return undefined;
  const patched = steps.map((step: unknown, i) => {
    if (!broken.has(i)) return step;
    const id = (step as { id?: unknown } | null)?.id;
    return { id: typeof id === 'string' ? id : placeholderId(i), type: 'exit', outcome: 'unresolved' };
  });
  return {
    doc: { ...(doc as Journey), spec: { ...(spec as Journey['spec']), steps: patched as Journey['spec']['steps'] } },
    brokenSteps: broken,
  };
}

/**
 * A malformed step id (`Cool_Down`) is one mistake: reported where the step defines it, not again
 * at each route that names it. Drops the INVALID_STEP_ID errors of routes whose value is the id of
 * a step that is itself reported.
 */
export function dropRepeatedStepIdErrors(doc: unknown, structural: PendingDiagnostic[]): PendingDiagnostic[] {
  const isIdOfStep = (at: (string | number)[]) =>
    at.length === 4 && at[0] === 'spec' && at[1] === 'steps' && typeof at[2] === 'number' && at[3] === 'id';
  const badIds = new Set(
    structural.filter((d) => d.code === 'INVALID_STEP_ID' && isIdOfStep(d.at)).map((d) => valueAt(doc, d.at)),
  );
  if (badIds.size === 0) return structural;
  return structural.filter((d) => d.code !== 'INVALID_STEP_ID' || isIdOfStep(d.at) || !badIds.has(valueAt(doc, d.at)));
}

function valueAt(doc: unknown, at: (string | number)[]): unknown {
  let v: unknown = doc;
  for (const k of at) v = v !== null && typeof v === 'object' ? (v as Record<string | number, unknown>)[k] : undefined;
  return v;
}
