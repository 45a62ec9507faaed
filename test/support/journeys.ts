import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compilePaths, compileSources } from '../../src/compiler/index.js';
import type { EnrollmentData, JourneyPlan } from '../../src/ir/index.js';

export const ROOT = join(import.meta.dirname, '..', '..');

let cached: Map<string, JourneyPlan> | undefined;

/** Plans of the example journeys in journeys/ (compiled once per test file). */
export function examplePlans(): Map<string, JourneyPlan> {
  if (!cached) {
    const r = compilePaths([join(ROOT, 'journeys')]);
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0) throw new Error(`journeys/ does not compile: ${errors.map((e) => e.message).join('; ')}`);
    cached = r.plans;
  }
  return cached;
}

export function examplePlan(name: string): JourneyPlan {
  const p = examplePlans().get(name);
  if (!p) throw new Error(`no example journey ${name}`);
  return p;
}

export function exampleRecord(name: 'anna-rossi' | 'jan-devries' | 'mary-smith'): EnrollmentData {
  return JSON.parse(readFileSync(join(ROOT, 'examples', 'records', `${name}.json`), 'utf8')) as EnrollmentData;
}

/** The sources of journeys/ but its journeys and segments: its policies and templates. */
export function projectSources(): { path: string; text: string }[] {
  return compilePaths([join(ROOT, 'journeys')])
    .files.map((f) => f.source)
    .filter((f) => !f.path.endsWith('.journey.yaml') && !f.path.includes('/segments/'));
}

/** Compiles a journey written inline, with the policies and templates of journeys/. */
export function planFromYaml(journeyYaml: string, extra: { path: string; text: string }[] = []): JourneyPlan {
  const r = compileSources([...projectSources(), { path: 'inline.journey.yaml', text: journeyYaml }, ...extra]);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0)
    throw new Error(errors.map((e) => `${e.file}:${e.line}:${e.column} ${e.code} ${e.message}`).join('\n'));
  const name = /name:\s*([a-z0-9-]+)/.exec(journeyYaml)![1]!;
  return r.plans.get(name)!;
}

/** A policy that allows sends at any hour (tests run whenever CI does); SMS need consent as in eu-default. */
export const ALWAYS_OPEN_POLICY = {
  path: 'policies/always-open.policy.yaml',
  text: `apiVersion: settle/v1
kind: Policy
metadata:
  name: always-open
spec:
  timezoneFallback: Europe/Paris
  sendWindow: { days: [mon, tue, wed, thu, fri, sat, sun], from: "00:00", to: "24:00" }
  consent: { sms: required, email: assumed }
`,
};
