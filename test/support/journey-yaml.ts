/**
 * A journey-YAML builder for tests: the header (apiVersion, kind, metadata, policy) written once,
 * steps as typed values (one flow-style line each) or as YAML lines the test writes itself.
 * The text is what the compiler reads, so a test still compiles and runs the journey it means.
 */
import { stringify } from 'yaml';
import type { JourneyPlan } from '../../src/ir/index.js';
import { compileSources } from '../../src/compiler/index.js';
import { ALWAYS_OPEN_POLICY, planFromYaml, projectSources } from './journeys.js';

type Value = string | number | boolean | Value[] | { [key: string]: Value | undefined };

/** One step of a journey: its id, its type and the fields of that type. */
export interface Step {
  id: string;
  type: string;
  [field: string]: Value | undefined;
}

export type StepFields = Record<string, Value | undefined>;

/** A send with a payment link (pass `{ paymentLink: undefined }` for none). */
export function send(id: string, channel: 'email' | 'sms', template: string, more: StepFields = {}): Step {
  return { id, type: 'send', channel, template, paymentLink: true, ...more };
}

export function wait(id: string, duration: string, more: StepFields = {}): Step {
  return { id, type: 'wait', duration, ...more };
}

/** Waits for the events `on` names (its `timeout` key is where the timeout goes). */
export function waitFor(id: string, timeout: string, on: Record<string, string>, more: StepFields = {}): Step {
  return { id, type: 'waitFor', events: Object.keys(on).filter((k) => k !== 'timeout'), timeout, on, ...more };
}

export function webhook(id: string, url: string, more: StepFields = {}): Step {
  return { id, type: 'webhook', url, ...more };
}

export function exit(id: string, outcome: string): Step {
  return { id, type: 'exit', outcome };
}

export interface JourneyYamlOptions {
  name: string;
  version?: number;
  /** The policy's name (default always-open, see ALWAYS_OPEN_POLICY). */
  policy?: string;
  goal?: string;
  /** More of `spec` (promises, disputes, interrupts, migration...): values, or YAML lines indented by two. */
  spec?: StepFields | string;
  /** The steps: values, or YAML list lines indented by four (a whole list or some of it). */
  steps: (Step | string)[] | string;
  /** More of `metadata` (description...). */
  metadata?: StepFields;
}

const FLOW = { collectionStyle: 'flow', lineWidth: 0 } as const;

function indent(text: string, by: number): string {
  const pad = ' '.repeat(by);
  return text
    .trimEnd()
    .split('\n')
    .map((l) => pad + l)
    .join('\n');
}

/** The YAML of a journey (ends with a newline). */
export function journeyYaml(o: JourneyYamlOptions): string {
  const metadata = stringify({ name: o.name, version: o.version ?? 1, ...o.metadata }, FLOW).trimEnd();
  const spec =
    o.spec === undefined ? [] : [typeof o.spec === 'string' ? o.spec : indent(stringify(o.spec, { lineWidth: 0 }), 2)];
  const steps =
    typeof o.steps === 'string'
      ? o.steps
      : o.steps.map((s) => (typeof s === 'string' ? s : `    - ${stringify(s, FLOW).trimEnd()}`)).join('\n');
  return [
    'apiVersion: settle/v1',
    'kind: Journey',
    `metadata: ${metadata}`,
    'spec:',
    `  policy: ${o.policy ?? 'always-open'}`,
    ...(o.goal ? [`  goal: ${o.goal}`] : []),
    ...spec,
    '  steps:',
    steps,
    '',
  ].join('\n');
}

/** Compiles `journeyYaml(o)` with journeys/ (and ALWAYS_OPEN_POLICY where the journey names it). */
export function journeyPlan(o: JourneyYamlOptions, extra: { path: string; text: string }[] = []): JourneyPlan {
  const open = (o.policy ?? 'always-open') === 'always-open' ? [ALWAYS_OPEN_POLICY] : [];
  return planFromYaml(journeyYaml(o), [...open, ...extra]);
}

/**
 * Compiles `journeyYaml(o)` as `<name>.journey.yaml` beside the policies and templates of journeys/,
 * without throwing: the plan (if any) and the errors, for tests of what the compiler refuses.
 */
export function compileJourney(o: JourneyYamlOptions, extra: { path: string; text: string }[] = []) {
  const r = compileSources([...projectSources(), { path: `${o.name}.journey.yaml`, text: journeyYaml(o) }, ...extra]);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  return { plan: r.plans.get(o.name), errors, codes: errors.map((d) => d.code) };
}

/** A policy file beside the journey: `policies/<name>.policy.yaml`, its `spec` as YAML lines indented by two. */
export function policyFile(name: string, spec: string): { path: string; text: string } {
  return {
    path: `policies/${name}.policy.yaml`,
    text: `apiVersion: settle/v1\nkind: Policy\nmetadata:\n  name: ${name}\nspec:\n${spec}`,
  };
}

/** The opening the compiler's inline journeys share: the friendly email, a week's wait, the exit `done`. */
export const EMAIL_WEEK_DONE: Step[] = [
  send('first', 'email', 'overdue-friendly'),
  wait('pause', '7d'),
  exit('done', 'unresolved'),
];

/** A friendly email, a pause, the social-proof reminder, then unresolved. */
export function twoEmails(pause: string): Step[] {
  return [
    send('first-email', 'email', 'overdue-friendly'),
    wait('pause', pause),
    send('second-email', 'email', 'reminder-social-proof'),
    exit('done', 'unresolved'),
  ];
}
