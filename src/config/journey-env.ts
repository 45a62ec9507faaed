/**
 * Variables the compiled journeys read (`url: env:NAME` on webhook steps), and the check that the
 * process which resolves them has them. The worker resolves a webhook's URL when the step runs,
 * so a missing variable would only show when a debt reaches a hand-over; `settle config check`
 * reports it at deploy time instead, naming the journeys and steps that need it.
 */
import type { JourneyPlan } from '../ir/index.js';
import { opt, type Env } from './parse.js';
import type { Role } from './roles.js';

export interface JourneyEnvUse {
  journey: string;
  version: number;
  step: string;
}

export interface JourneyEnvVar {
  name: string;
  /** The process that reads it (webhooks are called by worker activities). */
  role: Role;
  usedBy: JourneyEnvUse[];
}

/** Every `env:NAME` of the plans, sorted by name, each with the steps that read it. */
export function journeyEnvVars(plans: Iterable<JourneyPlan>): JourneyEnvVar[] {
  const byName = new Map<string, JourneyEnvVar>();
  for (const plan of plans) {
    for (const step of plan.steps) {
      if (step.kind !== 'webhook' || !('env' in step.url)) continue;
      const name = step.url.env;
      let entry = byName.get(name);
      if (!entry) byName.set(name, (entry = { name, role: 'worker', usedBy: [] }));
      entry.usedBy.push({ journey: plan.journey, version: plan.version, step: step.id });
    }
    // Call-back requests from the payment page are posted by the worker too.
    const callbacks = plan.callbacks?.url;
    if (callbacks !== undefined && 'env' in callbacks) {
      let entry = byName.get(callbacks.env);
      if (!entry) byName.set(callbacks.env, (entry = { name: callbacks.env, role: 'worker', usedBy: [] }));
      entry.usedBy.push({ journey: plan.journey, version: plan.version, step: 'callbacks' });
    }
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

function describeUses(uses: JourneyEnvUse[]): string {
  const shown = uses.slice(0, 3).map((u) => `${u.journey} v${u.version} step ${u.step}`);
  const more = uses.length > 3 ? ` and ${uses.length - 3} more` : '';
  return shown.join(', ') + more;
}

/** One problem per variable `role` needs that is missing or not an http(s) URL. */
export function journeyEnvProblems(role: Role, vars: JourneyEnvVar[], env: Env): string[] {
  const problems: string[] = [];
  for (const v of vars) {
    if (v.role !== role) continue;
    const raw = opt(env, v.name);
    const where = `webhook URL of ${describeUses(v.usedBy)}`;
    if (raw === undefined) {
      problems.push(
        `${v.name} is not set: it is the ${where} — set it to the receiving endpoint, e.g. https://crm.example.com/hooks/settle`,
      );
      continue;
    }
    let protocol = '';
    try {
      protocol = new URL(raw).protocol;
    } catch {
      protocol = '';
    }
    if (protocol !== 'https:' && protocol !== 'http:') {
      problems.push(
        `${v.name} is not a valid http or https URL: it is the ${where} — write e.g. https://crm.example.com/hooks/settle`,
      );
    }
  }
  return problems;
}
