/**
 * Generates a synthetic but realistic project: N journeys of S steps, each with an email and an
 * SMS template in three locales and a segment, sharing one policy and the attributes file. Used by
 * bench/compile and by tests that need a large valid project.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { SourceFile } from '../src/compiler/index.js';

const LOCALES = ['en', 'fr', 'nl'];

function template(name: string, channel: 'email' | 'sms'): string {
  const body = LOCALES.map((l) =>
    channel === 'email'
      ? `    ${l}:
      subject: "{{ debtor.firstName }}, invoice {{ debt.reference }} ({{ l }}, ${name})"
      text: |
        Hello {{ debtor.firstName }} ({{ l }}, ${name}), {{ debt.amountDue | money: debt.currency }} was due on {{ debt.dueDate | localdate }}.
        {% if attributes.paymentHistory == "good" %}Thank you for being a loyal customer.{% endif %}
        Pay now: {{ links.pay }}
        Stop these emails: {{ links.optOut }}`.replaceAll('{{ l }}', l)
      : `    ${l}:
      text: "{{ debtor.firstName }}: {{ debt.amountDue | money: debt.currency }} due (${name}). Pay: {{ links.pay }} Reply STOP to opt out"`,
  ).join('\n');
  return `# yaml-language-server: $schema=../../schemas/template.schema.json
apiVersion: settle/v1
kind: Template
metadata: { name: ${name} }
spec:
  channel: ${channel}
  defaultLocale: en
  locales:
${body}
`;
}

function journey(name: string, steps: number, policy: string, seed: number): string {
  const lines: string[] = [];
  const n = Math.max(steps, 6);
  for (let i = 0; i < n - 1; i++) {
    const id = `s${i}`;
    const next = `s${i + 1}`;
    switch (i % 6) {
      case 0:
        lines.push(
          `    - id: ${id}\n      type: send\n      channel: email\n      template: ${name}-email\n      paymentLink: true\n      retry: { maxAttempts: 4, initialInterval: 1m, backoff: 2 }\n      onFailure: ${next}`,
        );
        break;
      case 1:
        lines.push(
          `    - id: ${id}\n      type: waitFor\n      events: [opened, clicked]\n      timeout: 3d\n      on: { clicked: ${next}, opened: ${next}, timeout: ${next} }`,
        );
        break;
      case 2:
        lines.push(
          `    - id: ${id}\n      type: branch\n      cases:\n        - { when: "debt.amountDue > ${1000 + i}.0 && engagement.opened > 0", next: ${next} }\n        - { when: "attributes.paymentHistory == 'good' && debt.daysPastDue < ${seed + i}", next: ${next} }\n      default: ${next}`,
        );
        break;
      case 3:
        lines.push(
          `    - id: ${id}\n      type: send\n      channel: sms\n      template: ${name}-sms\n      paymentLink: true`,
        );
        break;
      case 4:
        lines.push(`    - id: ${id}\n      type: wait\n      duration: ${1 + (i % 3)}d`);
        break;
      default:
        lines.push(
          `    - id: ${id}\n      type: split\n      variants:\n        - { name: a, weight: 50, next: ${next} }\n        - { name: b, weight: 50, next: ${next} }`,
        );
    }
  }
  lines.push(`    - id: s${n - 1}\n      type: exit\n      outcome: unresolved`);
  return `# yaml-language-server: $schema=../schemas/journey.schema.json
# Generated benchmark journey.
apiVersion: settle/v1
kind: Journey
metadata:
  name: ${name}
  version: 1
  description: Generated journey ${name}
spec:
  policy: ${policy}
  steps:
${lines.join('\n')}
`;
}

function segment(name: string, journeyName: string, priority: number): string {
  return `# yaml-language-server: $schema=../../schemas/segment.schema.json
apiVersion: settle/v1
kind: Segment
metadata: { name: ${name} }
spec:
  when: "debt.daysPastDue >= ${priority % 90} && debt.amountDue < 5000.0 && attributes.paymentHistory != 'bad'"
  journey: ${journeyName}
  priority: ${priority}
`;
}

const POLICY = `# yaml-language-server: $schema=../../schemas/policy.schema.json
apiVersion: settle/v1
kind: Policy
metadata: { name: bench-policy }
spec:
  timezoneFallback: Europe/Paris
  sendWindow: { from: "08:00", to: "20:00", days: [mon, tue, wed, thu, fri, sat] }
  holidays: { country: FR, closedDays: ["2026-08-14"] }
  frequencyCaps:
    - { channels: [email, sms], max: 7, per: 7d }
  consent: { sms: required, email: assumed }
`;

const ATTRIBUTES = `# yaml-language-server: $schema=../schemas/attributes.schema.json
apiVersion: settle/v1
kind: Attributes
metadata: { name: attributes }
spec: { sector: string, paymentHistory: string, openInvoices: int }
`;

/** A project of `journeys` journeys (4 files each: journey, 2 templates, segment) plus policy and attributes. */
export function generateProject(journeys: number, steps = 20): SourceFile[] {
  const files: SourceFile[] = [
    { path: 'journeys/policies/bench-policy.policy.yaml', text: POLICY },
    { path: 'journeys/attributes.yaml', text: ATTRIBUTES },
  ];
  for (let i = 0; i < journeys; i++) {
    const name = `journey-${String(i).padStart(5, '0')}`;
    files.push({ path: `journeys/${name}.journey.yaml`, text: journey(name, steps, 'bench-policy', i) });
    files.push({ path: `journeys/templates/${name}-email.template.yaml`, text: template(`${name}-email`, 'email') });
    files.push({ path: `journeys/templates/${name}-sms.template.yaml`, text: template(`${name}-sms`, 'sms') });
    files.push({ path: `journeys/segments/${name}.segment.yaml`, text: segment(`${name}-segment`, name, i) });
  }
  return files;
}

/** A generated project of `journeys` journeys written to a fresh temporary folder. */
export function writeGeneratedProject(journeys: number, prefix = 'settle-bench-'): { dir: string; files: number } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const files = generateProject(journeys);
  for (const f of files) {
    const p = join(dir, f.path);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, f.text);
  }
  return { dir, files: files.length };
}
