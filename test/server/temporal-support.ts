/**
 * Journeys on a real Temporal for the server tests: a journey that emails, then waits for an open
 * or a click (30 days), a policy open at all hours, enrollment with the real search attributes
 * (SettleContact), and a TCP proxy that can cut the link to Temporal and restore it.
 */
import { connect, createServer, type Socket } from 'node:net';
import type { Client } from '@temporalio/client';
import { startJourney } from '../../src/enrollment/start.js';
import type { EnrollmentData, JourneyPlan } from '../../src/ir/index.js';
import { workflowIdFor } from '../../src/ids/workflow-ids.js';
import { stateQuery } from '../../src/workflows/definitions.js';
import type { JourneyStateView } from '../../src/workflows/types.js';
import { SECRET } from '../support/journey-worker.js';
import { exit, journeyYaml, send, waitFor } from '../support/journey-yaml.js';
import { ALWAYS_OPEN_POLICY, exampleRecord, planFromYaml } from '../support/journeys.js';

export const JOURNEY = 'tracked-reminder';

const JOURNEY_YAML = journeyYaml({
  name: JOURNEY,
  goal: 'paid',
  steps: [
    send('first-email', 'email', 'overdue-friendly'),
    waitFor('watch', '30d', { opened: 'watch-click', clicked: 'engaged', timeout: 'silent' }),
    waitFor('watch-click', '30d', { clicked: 'engaged', timeout: 'silent' }),
    exit('engaged', 'clicked'),
    exit('silent', 'unresolved'),
  ],
});

export function trackedPlan(): JourneyPlan {
  return planFromYaml(JOURNEY_YAML, [ALWAYS_OPEN_POLICY]);
}

/** Anna Rossi's record under another debt id (and, if given, another email address). */
export function record(debtId: string, email?: string): EnrollmentData {
  const r = exampleRecord('anna-rossi');
  const due = new Date(Date.now() - 5 * 86_400_000).toISOString().slice(0, 10);
  return {
    ...r,
    debtId,
    debtor: { ...r.debtor, ...(email && { email }) },
    debt: { ...r.debt, reference: debtId, dueDate: due },
  };
}

/** Starts the journey as `settle enroll` does (search attributes included); returns its id. */
export async function enroll(client: Client, taskQueue: string, plan: JourneyPlan, r: EnrollmentData): Promise<string> {
  await startJourney(client, { taskQueue, plan, record: r, secret: SECRET, nowMs: Date.now() });
  return workflowIdFor(r.debtId);
}

export async function stateOf(client: Client, workflowId: string): Promise<JourneyStateView> {
  return client.workflow.getHandle(workflowId).query(stateQuery);
}

export interface TcpProxy {
  address: string;
  /** Refuse new connections and drop the open ones (Temporal "down"). */
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function tcpProxy(target: string): Promise<TcpProxy> {
  const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
  let open = true;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    if (!open) return void client.destroy();
    const upstream = connect(port, host);
    const pair = [client, upstream];
    const kill = () => pair.forEach((s) => s.destroy());
    for (const s of pair) {
      sockets.add(s);
      s.on('error', kill);
      s.on('close', () => {
        sockets.delete(s);
        kill();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port: own } = server.address() as { port: number };
  return {
    address: `127.0.0.1:${own}`,
    cut() {
      open = false;
      for (const s of sockets) s.destroy();
    },
    restore() {
      open = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
