/**
 * Every problem at once, each once: a schema error in one step does not hide the semantic errors
 * of the rest of the file, and one mistake is reported at its cause, not again at every use.
 * Golden lines as in the corpus (test/corpus): `file:line:column  CODE`, order aside.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileSources } from '../../src/compiler/index.js';
import { BASE, baseSources, goldenLine } from '../corpus/corpus.js';

const JOURNEY = 'base/reminders.journey.yaml';
const journey = readFileSync(join(BASE, 'reminders.journey.yaml'), 'utf8');

function compileWith(text: string): string[] {
  const sources = baseSources().map((s) => (s.path === JOURNEY ? { ...s, text } : s));
  return compileSources(sources).diagnostics.map(goldenLine).sort();
}

function edit(text: string, from: string, to: string): string {
  expect(text).toContain(from);
  return text.replace(from, to);
}

describe('a schema error in one step', () => {
  it('leaves the semantic checks of the other steps, routes, templates and CEL in place', () => {
    let text = journey;
    // Schema errors: two steps (a duration in words, a key no wait step has).
    text = edit(text, '      duration: 2d\n', '      duration: 2 days\n');
    text = edit(text, '      businessDays: 2\n', '      businessDays: 2\n      colour: blue\n');
    // Semantic errors elsewhere in the same file.
    text = edit(text, 'template: nudge-sms', 'template: nudge-smss');
    text = edit(text, 'attributes.openInvoices > 1', "attributes.openInvoices > 'one'");
    text = edit(
      text,
      '{ name: email-first, weight: 50, next: large-balance }',
      '{ name: email-first, weight: 40, next: large-balanse }',
    );
    text = edit(text, 'on: { replied: hand-over, timeout: business-pause }', 'on: { replied: hand-over }');
    // Before: only the two schema errors (the rest of the file was not checked until they were
    // fixed). `business-pause`, now reached from nowhere, is the broken step: not called unreachable.
    expect(compileWith(text)).toEqual(
      [
        'base/reminders.journey.yaml:29:7  SPLIT_WEIGHTS',
        'base/reminders.journey.yaml:31:50  UNKNOWN_STEP',
        'base/reminders.journey.yaml:36:17  UNKNOWN_TEMPLATE',
        'base/reminders.journey.yaml:42:17  INVALID_DURATION',
        'base/reminders.journey.yaml:47:71  CEL_TYPE',
        'base/reminders.journey.yaml:64:7  MISSING_TIMEOUT_ROUTE',
        'base/reminders.journey.yaml:69:7  UNKNOWN_FIELD',
      ].sort(),
    );
  });

  it('does not report routes to the broken step, nor steps reachable only through it', () => {
    // `cool-down` loses its type: the routes to it (clicked, onBlocked) stay valid, and a broken
    // step may go anywhere and wait, so nothing is unreachable or looping because of it.
    const text = edit(journey, '      type: wait\n      duration: 2d\n', '      type: pause\n      duration: 2d\n');
    expect(compileWith(text)).toEqual(['base/reminders.journey.yaml:41:13  UNKNOWN_STEP_TYPE']);
  });

  it('keeps the id of a step whose id is malformed, so routes to it are not reported', () => {
    const text = edit(journey, '    - id: cool-down\n', '    - id: Cool_Down\n')
      .replace('clicked: cool-down', 'clicked: Cool_Down')
      .replace('onBlocked: cool-down', 'onBlocked: Cool_Down');
    expect(compileWith(text)).toEqual(['base/reminders.journey.yaml:40:11  INVALID_STEP_ID']);
  });
});
