/**
 * The step graph of a journey as authored (before lowering): the edges each step can take, and
 * the checks that need the whole graph — references, falling off the end, reachability and
 * loops that could spin without ever waiting.
 */
import type { Journey, JourneyStep } from '../dsl/index.js';
import { ENGAGEMENT_EVENTS } from '../ir/plan.js';
import type { PendingDiagnostic } from './diagnostic.js';
import { isPlaceholderId } from './salvage.js';
import { didYouMean } from '../core/suggest.js';

export interface Edge {
  to: string;
  /** Path of the field that names the target, relative to the step. */
  field: (string | number)[];
  /** True for the implicit "following step" edge. */
  implicit?: boolean;
}

// Not trackPlan: without an agreed plan it goes on at once, so a loop through it needs a wait of its own.
const WAITING_KINDS = new Set(['wait', 'waitFor']);

/** Does this step continue to `next` / the following step (besides its explicit routes)? */
export function fallsThrough(step: JourneyStep): boolean {
  switch (step.type) {
    case 'send':
    case 'wait':
    case 'webhook':
    case 'trackPlan':
      return true;
    case 'waitFor':
      return step.events.some((e) => step.on[e] === undefined);
    default:
      return false;
  }
}

export function stepEdges(steps: JourneyStep[], i: number): Edge[] {
  const step = steps[i]!;
  const edges: Edge[] = [];
  const add = (to: string | undefined, field: (string | number)[]) => {
    if (to !== undefined) edges.push({ to, field });
  };
  if (fallsThrough(step)) {
    const explicit = 'next' in step ? step.next : undefined;
    if (explicit !== undefined) add(explicit, ['next']);
    else if (steps[i + 1]) edges.push({ to: steps[i + 1]!.id, field: [], implicit: true });
  }
  switch (step.type) {
    case 'send':
      add(step.onFailure, ['onFailure']);
      add(step.onBlocked, ['onBlocked']);
      break;
    case 'webhook':
      add(step.onFailure, ['onFailure']);
      break;
    case 'trackPlan':
      add(step.onBroken, ['onBroken']);
      break;
    case 'waitFor':
      for (const [k, v] of Object.entries(step.on)) add(v, ['on', k]);
      break;
    case 'branch':
      step.cases.forEach((c, j) => add(c.next, ['cases', j, 'next']));
      add(step.default, ['default']);
      break;
    case 'split':
      step.variants.forEach((v, j) => add(v.next, ['variants', j, 'next']));
      break;
    default:
      break;
  }
  return edges;
}

/**
 * `opaque`: steps that failed the schema (salvage.ts). Their routes are unknown: nothing is checked
 * on them, and they are taken to go anywhere and to wait, so no step is called unreachable or
 * part of a loop because of them.
 */
export function checkGraph(
  file: string,
  journey: Journey,
  opaque: ReadonlySet<number> = new Set(),
): PendingDiagnostic[] {
  const steps = journey.spec.steps;
  const out: PendingDiagnostic[] = [];
  const at = (i: number, ...rest: (string | number)[]) => ['spec', 'steps', i, ...rest];
  const err = (code: string, message: string, path: (string | number)[], hint?: string, onKey = false) =>
    out.push({ file, severity: 'error', code, message, at: path, onKey, ...(hint !== undefined && { hint }) });

  const index = new Map<string, number>();
  steps.forEach((s, i) => {
    const seen = index.get(s.id);
    if (seen !== undefined) {
      err(
        'DUPLICATE_STEP_ID',
        `step id \`${s.id}\` is already used by step ${seen + 1}`,
        at(i, 'id'),
        'give every step of a journey its own id',
      );
    } else index.set(s.id, i);
  });
  const ids = [...index.keys()].filter((id) => !isPlaceholderId(id));

  const adjacency = new Map<string, string[]>();
  steps.forEach((s, i) => {
    if (index.get(s.id) !== i) return;
    if (opaque.has(i)) {
      adjacency.set(s.id, [...index.keys()]);
      return;
    }
    const targets: string[] = [];
    for (const e of stepEdges(steps, i)) {
      if (!index.has(e.to)) {
        err(
          'UNKNOWN_STEP',
          `\`${e.to}\` is not a step of journey \`${journey.metadata.name}\``,
          at(i, ...e.field),
          didYouMean(e.to, ids, `steps of this journey: ${ids.join(', ')}`),
        );
      } else targets.push(e.to);
    }
    if (fallsThrough(s) && !('next' in s && s.next !== undefined) && i === steps.length - 1) {
      err(
        'FALLS_OFF_END',
        `step \`${s.id}\` is the last step but does not say where to go next`,
        at(i),
        s.type === 'waitFor'
          ? 'route every listed event in `on:`, or add `next:`, or add an `exit` step after it'
          : 'add `next:` to this step, or add an `exit` step after it',
      );
    }
    if (s.type === 'waitFor') {
      if (s.on.timeout === undefined) {
        err(
          'MISSING_TIMEOUT_ROUTE',
          `waitFor step \`${s.id}\` has no \`on.timeout\` route`,
          at(i, 'on'),
          'add `timeout: <step id>` under `on:` to say where to go when nothing happens',
          true,
        );
      }
      for (const key of Object.keys(s.on)) {
        if (key !== 'timeout' && !(s.events as string[]).includes(key)) {
          err(
            'UNKNOWN_ROUTE_EVENT',
            `\`on.${key}\` routes an event this step does not wait for`,
            at(i, 'on', key),
            didYouMean(key, [...s.events, 'timeout'], `add \`${key}\` to \`events\`, or remove this route`),
            true,
          );
        }
      }
      if (s.after !== undefined) {
        const target = index.get(s.after);
        if (target !== undefined && opaque.has(target)) {
          // Its type is not known: nothing to say.
        } else if (target !== undefined && steps[target]!.type !== 'send') {
          err(
            'AFTER_NOT_SEND',
            `\`after\` must name a send step, but \`${s.after}\` is a ${steps[target]!.type} step`,
            at(i, 'after'),
            'name the send step whose messages this step listens to',
          );
        } else if (target === undefined) {
          const sends = steps.filter((x) => x.type === 'send').map((x) => x.id);
          err(
            'UNKNOWN_STEP',
            `\`${s.after}\` is not a step of journey \`${journey.metadata.name}\``,
            at(i, 'after'),
            didYouMean(s.after, sends, `send steps of this journey: ${sends.join(', ')}`),
          );
        }
      }
    }
    adjacency.set(s.id, targets);
  });

  // Interrupts lead to their step from anywhere: checked like routes, and reachable.
  const entries: string[] = steps.length > 0 ? [steps[0]!.id] : [];
  for (const [event, to] of Object.entries(journey.spec.interrupts ?? {})) {
    if (!(ENGAGEMENT_EVENTS as readonly string[]).includes(event)) {
      err(
        'UNKNOWN_EVENT',
        `\`${event}\` is not an engagement event`,
        ['spec', 'interrupts', event],
        didYouMean(event, ENGAGEMENT_EVENTS, `engagement events are: ${ENGAGEMENT_EVENTS.join(', ')}`),
        true,
      );
    }
    if (!index.has(to)) {
      err(
        'UNKNOWN_STEP',
        `\`${to}\` is not a step of journey \`${journey.metadata.name}\``,
        ['spec', 'interrupts', event],
        didYouMean(to, ids, `steps of this journey: ${ids.join(', ')}`),
      );
    } else entries.push(to);
  }

  // A dispute leads to its step from anywhere, and its resolution to onResolved: checked like interrupts.
  const disputes = journey.spec.disputes;
  if (disputes !== undefined) {
    for (const key of ['to', 'onResolved'] as const) {
      const to = disputes[key];
      if (to === undefined) continue;
      if (!index.has(to)) {
        err(
          'UNKNOWN_STEP',
          `\`${to}\` is not a step of journey \`${journey.metadata.name}\``,
          ['spec', 'disputes', key],
          didYouMean(to, ids, `steps of this journey: ${ids.join(', ')}`),
        );
      } else entries.push(to);
    }
  }

  // A broken promise leads to its step from anywhere.
  const broken = journey.spec.promises?.onBroken;
  if (broken !== undefined) {
    if (!index.has(broken)) {
      err(
        'UNKNOWN_STEP',
        `\`${broken}\` is not a step of journey \`${journey.metadata.name}\``,
        ['spec', 'promises', 'onBroken'],
        didYouMean(broken, ids, `steps of this journey: ${ids.join(', ')}`),
      );
    } else entries.push(broken);
  }

  // A migration continues journeys of older versions at these steps: they must exist.
  for (const [old, to] of Object.entries(journey.spec.migration?.steps ?? {})) {
    if (!index.has(to)) {
      err(
        'UNKNOWN_STEP',
        `\`${to}\` is not a step of journey \`${journey.metadata.name}\``,
        ['spec', 'migration', 'steps', old],
        didYouMean(to, ids, `steps of this journey: ${ids.join(', ')}`),
      );
    }
  }

  // Reachability from the first step (and the interrupts' steps).
  const reached = new Set<string>();
  const queue = entries;
  while (queue.length > 0) {
    const id = queue.pop()!;
    if (reached.has(id)) continue;
    reached.add(id);
    for (const t of adjacency.get(id) ?? []) queue.push(t);
  }
  steps.forEach((s, i) => {
    if (index.get(s.id) === i && !reached.has(s.id) && !opaque.has(i)) {
      err(
        'UNREACHABLE_STEP',
        `step \`${s.id}\` can never be reached from the first step`,
        at(i, 'id'),
        'route to it from another step (next, on, cases, default, variants, onFailure, onBroken, interrupts) or remove it',
      );
    }
  });

  const waits = new Set(steps.filter((s, i) => opaque.has(i) || WAITING_KINDS.has(s.type)).map((s) => s.id));
  for (const cycle of cyclesWithoutWait(waits, adjacency)) {
    const first = Math.min(...cycle.map((id) => index.get(id)!));
    err(
      'LOOP_WITHOUT_WAIT',
      `steps ${cycle.map((c) => `\`${c}\``).join(' → ')} can loop forever without waiting`,
      at(first, 'id'),
      'put a `wait` or `waitFor` step on this loop so the journey cannot spin or spam',
    );
  }
  return out;
}

/** Strongly connected components of the non-waiting steps that contain a cycle (Tarjan). */
function cyclesWithoutWait(waits: ReadonlySet<string>, adjacency: Map<string, string[]>): string[][] {
  const nodes = [...adjacency.keys()].filter((id) => !waits.has(id));
  const inSub = new Set(nodes);
  let counter = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const result: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of adjacency.get(v) ?? []) {
      if (!inSub.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      const selfLoop = comp.length === 1 && (adjacency.get(v) ?? []).includes(v);
      if (comp.length > 1 || selfLoop) result.push(orderCycle(comp, adjacency));
    }
  };
  for (const v of nodes) if (!idx.has(v)) visit(v);
  return result;
}

/** Orders the members of a component along one cycle for a readable message (a → b → a). */
function orderCycle(comp: string[], adjacency: Map<string, string[]>): string[] {
  const members = new Set(comp);
  const start = [...comp].sort()[0]!;
  const path = [start];
  let cur = start;
  const seen = new Set([start]);
  for (;;) {
    const next = (adjacency.get(cur) ?? []).find((t) => members.has(t) && (!seen.has(t) || t === start));
    if (next === undefined || next === start) break;
    path.push(next);
    seen.add(next);
    cur = next;
  }
  return [...path, start];
}
