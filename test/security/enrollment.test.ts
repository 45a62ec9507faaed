/**
 * The enrollment door, attacked with hostile rows on a real Temporal dev server: each row is
 * refused with its line and a reason, and has no side effect (no journey started for it), while
 * the good rows of the same file are enrolled. The file is written as raw bytes, so the
 * non-UTF-8 row is exactly what a Latin-1 export sends.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { workflowIdFor } from '../../src/ids/workflow-ids.js';
import { ROOT } from '../support/journeys.js';
import { createDevServerEnv, quietTemporalRuntime } from '../support/temporal.js';

const NOW = Date.parse('2026-11-23T10:00:00Z');
const SECRET = 'test-secret-0123456789abcdef0123456789abcdef';
const HEADER =
  'debtId,debtor.id,debtor.firstName,debtor.lastName,debtor.email,debtor.phone,debtor.locale,debtor.timezone,' +
  'debtor.country,debt.reference,debt.amountDue,debt.currency,debt.dueDate,attributes.sector,attributes.paymentHistory';

interface Row {
  id: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  timezone?: string;
  dueDate?: string;
  reference?: string;
  sector?: string;
}

function line(r: Row): string {
  const q = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return [
    r.id,
    `C-${r.id}`,
    r.firstName ?? 'Alex',
    r.lastName ?? 'Martin',
    r.email ?? `${r.id.toLowerCase()}@example.com`,
    '+33611223344',
    'fr',
    r.timezone ?? 'Europe/Paris',
    'FR',
    r.reference ?? `REF-${r.id}`,
    '120.00',
    'EUR',
    r.dueDate ?? '2026-11-10',
    r.sector ?? 'energy',
    'good',
  ]
    .map(q)
    .join(',');
}

/** Hostile rows (after two good ones), each with the reason enrollment must give. */
const HOSTILE: { row: Row; reason: RegExp }[] = [
  {
    row: { id: 'H-ZONE', timezone: 'Mars/Olympus' },
    reason: /debtor\.timezone "Mars\/Olympus" is not an IANA time zone/,
  },
  { row: { id: 'H-DATE', dueDate: '2026-02-31' }, reason: /debt\.dueDate 2026-02-31 is not a date of the calendar/ },
  {
    row: { id: 'H-CTRL', firstName: 'Al\u0007ex' },
    reason: /debtor\.firstName contains the control character U\+0007/,
  },
  { row: { id: 'H-NUL', lastName: 'Mar\u0000tin' }, reason: /debtor\.lastName contains the control character U\+0000/ },
  {
    row: { id: 'H-CRLF', reference: 'REF\r\nBcc: x@evil.test' },
    reason: /debt\.reference contains the control character/,
  },
  {
    row: { id: 'H-LONG', firstName: 'A'.repeat(10_000) },
    reason: /debtor\.firstName must NOT have more than 100 characters/,
  },
  {
    row: { id: 'H-ATTR', sector: 'x'.repeat(5_000) },
    reason: /attributes\.sector must NOT have more than 1000 characters/,
  },
  {
    row: { id: 'H-MAIL', email: `${'a'.repeat(250)}@example.com` },
    reason: /debtor\.email must NOT have more than 254/,
  },
];

let env: TestWorkflowEnvironment;
let tmp: string;
let file: string;
const GOOD = ['G-1', 'G-2'];
const LATIN1_ID = 'H-LATIN1';

beforeAll(async () => {
  quietTemporalRuntime();
  env = await createDevServerEnv();
  tmp = mkdtempSync(join(tmpdir(), 'settle-hostile-'));
  file = join(tmp, 'portfolio.csv');
  const text = [HEADER, ...GOOD.map((id) => line({ id })), ...HOSTILE.map((h) => line(h.row))].join('\n') + '\n';
  // "Aléxis" in Latin-1: 0xE9 alone is not UTF-8.
  const latin1 = Buffer.concat([
    Buffer.from(`${LATIN1_ID},C-L1,Al`),
    Buffer.from([0xe9]),
    Buffer.from(`xis,Martin,l1@example.com,+33611223344,fr,Europe/Paris,FR,REF-L1,120.00,EUR,2026-11-10,energy,good\n`),
  ]);
  writeFileSync(file, Buffer.concat([Buffer.from(text), latin1]));
}, 120_000);

afterAll(async () => {
  await env?.teardown();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

async function exists(workflowId: string): Promise<boolean> {
  try {
    await env.client.workflow.getHandle(workflowId).describe();
    return true;
  } catch (e) {
    if (e instanceof WorkflowNotFoundError) return false;
    throw e;
  }
}

describe('enrollment refuses hostile rows, one by one, and enrolls the rest', { timeout: 120_000 }, () => {
  it('names each hostile row with its line and reason; starts journeys for the good rows only', async () => {
    let stdout = '';
    let stderr = '';
    const code = await run(
      ['enroll', file, '--format', 'json'],
      { out: (s) => (stdout += s), err: (s) => (stderr += s), color: false, cwd: ROOT },
      {
        publicUrl: 'https://pay.example.test',
        nowMs: NOW,
        vars: { TEMPORAL_ADDRESS: env.address, TEMPORAL_TASK_QUEUE: 'settle-hostile', SETTLE_SECRET: SECRET },
      },
    );
    expect(stderr).toBe('');
    expect(code).toBe(1);
    const summary = JSON.parse(stdout) as { started: number; invalid: { line: number; reason: string }[] };
    expect(summary.started).toBe(GOOD.length);
    const byLine = new Map(summary.invalid.map((i) => [i.line, i.reason]));
    // Each row's first line in the file (a quoted line break makes a row span two lines).
    let at = 2 + GOOD.length;
    for (const h of HOSTILE) {
      expect(byLine.get(at), h.row.id).toMatch(h.reason);
      at += line(h.row).split('\n').length;
    }
    expect(byLine.get(at)).toMatch(/debtor\.firstName contains bytes that are not UTF-8/);
    expect(summary.invalid).toHaveLength(HOSTILE.length + 1);
    // No reason echoes the hostile text back (logs and terminals stay clean).
    for (const reason of byLine.values()) expect(reason).not.toMatch(/[\u0000-\u001f\u007f]|AAAAAAAAAA|xxxxxxxxxx/);

    const started = (id: string) => exists(workflowIdFor(id));
    for (const id of GOOD) expect(await started(id), id).toBe(true);
    for (const id of [...HOSTILE.map((h) => h.row.id), LATIN1_ID]) expect(await started(id), id).toBe(false);
  });
});
