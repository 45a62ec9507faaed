/**
 * The outgoing edges of a step, one per route, each with a stable key. The text plan prints
 * them as "→ step", Mermaid draws them, and the diff matches them by key to find rewired routes,
 * so the three views cannot disagree about where a step goes.
 */
import type { EngagementEvent, PlanStep } from '../ir/plan.js';
import { formatCompoundDuration } from '../core/duration.js';
import { variantShare } from './step-text.js';

export interface StepEdge {
  /** Stable identity of the route within its step: "next", "onFailure", "clicked", "case 1"... */
  key: string;
  /** What the edge means to a reader; absent for the plain fall-through to the next step. */
  label?: string;
  to: string;
  /** Dotted for the exceptional paths (onFailure, onBlocked). */
  style: 'solid' | 'dotted';
}

export function stepEdges(step: PlanStep): StepEdge[] {
  switch (step.kind) {
    case 'send': {
      const edges: StepEdge[] = [{ key: 'next', to: step.next, style: 'solid' }];
      if (step.onFailure) edges.push({ key: 'onFailure', label: 'onFailure', to: step.onFailure, style: 'dotted' });
      if (step.onBlocked) edges.push({ key: 'onBlocked', label: 'onBlocked', to: step.onBlocked, style: 'dotted' });
      return edges;
    }
    case 'wait':
      return [{ key: 'next', to: step.next, style: 'solid' }];
    case 'waitFor': {
      const edges: StepEdge[] = [];
      const listed = step.events.filter((e) => step.on[e] !== undefined);
      const extra = (Object.keys(step.on) as EngagementEvent[]).filter((e) => !step.events.includes(e)).sort();
      for (const event of [...listed, ...extra]) {
        const to = step.on[event];
        if (to !== undefined) edges.push({ key: event, label: event, to, style: 'solid' });
      }
      const unrouted = step.events.filter((e) => step.on[e] === undefined);
      if (unrouted.length > 0) edges.push({ key: 'next', label: unrouted.join(', '), to: step.next, style: 'solid' });
      edges.push({
        key: 'timeout',
        label: `timeout ${formatCompoundDuration(step.timeoutMs)}`,
        to: step.onTimeout,
        style: 'solid',
      });
      return edges;
    }
    case 'branch':
      return [
        ...step.cases.map((c, i): StepEdge => ({ key: `case ${i + 1}`, label: c.when, to: c.next, style: 'solid' })),
        { key: 'default', label: 'default', to: step.default, style: 'solid' },
      ];
    case 'split':
      return step.variants.map((v) => ({
        key: `variant ${v.name}`,
        label: `${v.name} ${variantShare(step, v.weight)}`,
        to: v.next,
        style: 'solid',
      }));
    case 'webhook': {
      const edges: StepEdge[] = [{ key: 'next', to: step.next, style: 'solid' }];
      if (step.onFailure) edges.push({ key: 'onFailure', label: 'onFailure', to: step.onFailure, style: 'dotted' });
      return edges;
    }
    case 'exit':
      return [];
    case 'trackPlan':
      return [
        { key: 'next', label: 'no plan', to: step.next, style: 'solid' },
        { key: 'onBroken', label: 'instalment missed', to: step.onBroken, style: 'dotted' },
      ];
  }
}
