/**
 * The variables compiled journeys read (webhook `url: env:NAME`) are checked for the worker, which
 * resolves them: a missing or malformed one is named with the journeys and steps that need it.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compilePaths } from '../../src/compiler/index.js';
import { journeyEnvProblems, journeyEnvVars } from '../../src/config/journey-env.js';
import { ROOT } from './cli.js';

const vars = journeyEnvVars(compilePaths([join(ROOT, 'journeys')]).plans.values());

describe('journey environment variables', () => {
  it('lists every env:NAME of the example journeys once, with the steps that read it', () => {
    expect(vars.map((v) => v.name)).toEqual(['ESCALATION_URL']);
    const uses = vars[0]!.usedBy.map((u) => `${u.journey}/${u.step}`);
    // soft-collection's reply-to-agent; late-stage's hand-over, agent-review, dispute-review and its
    // call-back requests (soft-collection hands unresolved debts over to late-stage instead of calling a webhook).
    expect(uses.sort()).toEqual([
      'late-stage/agent-review',
      'late-stage/callbacks',
      'late-stage/dispute-review',
      'late-stage/hand-over',
      'soft-collection/reply-to-agent',
    ]);
    expect(new Set(uses.map((u) => u.split('/')[0]))).toEqual(new Set(['soft-collection', 'late-stage']));
    expect(vars[0]!.role).toBe('worker');
  });

  it('reports a missing or non-http variable for the worker only', () => {
    expect(journeyEnvProblems('worker', vars, {})).toEqual([
      expect.stringMatching(/^ESCALATION_URL is not set: .*late-stage v\d+ step /),
    ]);
    expect(journeyEnvProblems('worker', vars, { ESCALATION_URL: '  ' })[0]).toMatch(/ESCALATION_URL is not set/);
    expect(journeyEnvProblems('worker', vars, { ESCALATION_URL: 'ftp://x.example' })[0]).toMatch(
      /ESCALATION_URL is not a valid http or https URL/,
    );
    expect(journeyEnvProblems('worker', vars, { ESCALATION_URL: 'https://crm.example.com/hook' })).toEqual([]);
    expect(journeyEnvProblems('server', vars, {})).toEqual([]);
    expect(journeyEnvProblems('client', vars, {})).toEqual([]);
  });
});
