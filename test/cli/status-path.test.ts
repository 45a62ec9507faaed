/**
 * `settle status` text for a debt that moved between journeys: the path across journeys (the
 * state query's `path`, oldest first) ends with the journey the debt is in now.
 */
import { describe, expect, it } from 'vitest';
import { runningStatus } from './helpers.js';
import { formatStatusText } from '../../src/cli/commands/status-format.js';

const status = runningStatus({
  journey: 'soft-collection',
  version: 3,
  current: 'reminder-2',
  path: [
    {
      journey: 'pre-due-reminder',
      version: 4,
      segment: 'pre-due',
      startedAt: Date.parse('2026-11-23T10:00:00Z'),
      endedAt: Date.parse('2026-11-26T23:00:00Z'),
      outcome: 'unresolved',
    },
  ],
});
const view = status.view;

describe('settle status: the path across journeys', () => {
  it('lists each earlier journey with its segment and outcome, then the current one', () => {
    const text = formatStatusText([status]);
    expect(text).toContain('soft-collection v3  running  settle/D-1\n');
    expect(text).toContain(
      [
        '  path across journeys',
        '    2026-11-23T10:00:00Z  2026-11-26T23:00:00Z  pre-due-reminder v4  pre-due  unresolved',
        '    2026-11-26T23:00:00Z  …                     soft-collection v3            now at reminder-2',
      ].join('\n'),
    );
  });

  it('says nothing of a path when the debt stayed in one journey', () => {
    const { path: _none, ...single } = view;
    expect(formatStatusText([{ ...status, view: single }])).not.toContain('path across journeys');
  });
});
