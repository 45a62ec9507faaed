import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JourneyStatus } from '../../src/cli/commands/status-journey.js';
import { run } from '../../src/cli/main.js';
import type { JourneyStateView } from '../../src/workflows/types.js';

export const ROOT = join(import.meta.dirname, '..', '..');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the settle CLI in-process, as a user would from `cwd`. */
export async function settle(
  args: string[],
  cwd = ROOT,
  nowMs = Date.parse('2026-11-23T10:00:00Z'),
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await run(
    args,
    { out: (s) => (stdout += s), err: (s) => (stderr += s), color: false, cwd },
    { publicUrl: 'https://pay.example.test', nowMs },
  );
  return { code, stdout, stderr };
}

/** A scratch copy of the example project (journeys/ and schemas/), to change freely. */
export function scratchProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'settle-cli-'));
  cpSync(join(ROOT, 'journeys'), join(dir, 'journeys'), { recursive: true });
  cpSync(join(ROOT, 'schemas'), join(dir, 'schemas'), { recursive: true });
  return dir;
}

/**
 * What `settle status` formats for a running journey at step `current`: a state view with nothing
 * sent or heard yet, for debt D-1 (100 EUR due 2026-11-26), with the fields given.
 */
export function runningStatus(
  fields: Pick<JourneyStateView, 'journey' | 'version' | 'current'> & Partial<JourneyStateView>,
): JourneyStatus & { view: JourneyStateView } {
  const view: JourneyStateView = {
    debtId: 'D-1',
    variants: {},
    sends: [],
    events: [],
    engagement: {},
    optedOut: [],
    audit: [],
    debt: { reference: 'R', amountDue: 100, currency: 'EUR', dueDate: '2026-11-26' },
    debtor: { firstName: 'A', timezone: 'Europe/Paris' },
    goal: 'paid',
    ...fields,
  };
  return {
    workflowId: 'settle/D-1',
    journey: view.journey,
    version: view.version,
    status: 'running',
    startedAt: '2026-11-23T10:00:00.000Z',
    taskQueue: 'q',
    view,
  };
}

/** `settle render TEMPLATE --data examples/records/RECORD.json ...more` from the repository root. */
export function render(template: string, record: string, ...more: string[]): Promise<CliResult> {
  return settle(['render', template, '--data', `examples/records/${record}.json`, ...more]);
}
